import type { SubjectResolver } from '../../core/customers/subject-resolver.js';
import type { BatchStep } from './batch-item.js';

/** subject -> customer id for every item, each distinct subject asked once. */
export function createResolveSubjectsStep({ resolver }: { resolver: SubjectResolver }): BatchStep {
  return async (items) => {
    const subjects = [...new Set(items.map((item) => item.record.event.subject))];
    const resolved = new Map(await Promise.all(subjects.map(async (subject) => [subject, await resolver.resolve(subject)] as const)));
    for (const item of items) item.customerId = resolved.get(item.record.event.subject);
  };
}
