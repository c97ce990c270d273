import type { SubjectResolver } from '../../core/customers/subject-resolver.js';
import type { BatchStep } from './batch-item.js';

/** subject -> customer id for every item, each distinct subject asked once (in one call when the resolver can). */
export function createResolveSubjectsStep({ resolver }: { resolver: SubjectResolver }): BatchStep {
  return async (items) => {
    const indexes = new Map<string, number>();
    const names: string[] = [];
    for (const { record } of items) {
      if (!indexes.has(record.event.subject)) indexes.set(record.event.subject, names.push(record.event.subject) - 1);
    }
    const answers = resolver.resolveMany ? await resolver.resolveMany(names) : await Promise.all(names.map((subject) => resolver.resolve(subject)));
    for (const item of items) item.customerId = answers[indexes.get(item.record.event.subject) ?? -1];
  };
}
