import type { SubjectResolver } from '../../core/customers/subject-resolver.js';
import type { BatchStep } from './batch-item.js';

/** subject -> customer id for every item, each distinct subject asked once. */
export function createResolveSubjectsStep({ resolver }: { resolver: SubjectResolver }): BatchStep {
  return async (items) => {
    const subjects = new Map<string, string | undefined>();
    for (const item of items) subjects.set(item.record.event.subject, undefined);
    const names = [...subjects.keys()];
    const answers = await Promise.all(names.map((subject) => resolver.resolve(subject)));
    names.forEach((subject, i) => subjects.set(subject, answers[i]));
    for (const item of items) item.customerId = subjects.get(item.record.event.subject);
  };
}
