import type { Granularity, MeterAggregateRequest, MeterQueryStore } from '../../core/meters/meter-query-store.js';
import { aggregateFacts, dimensionsOf, matches, type MeterFact } from './meter-reference.js';

const bucketMs: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export interface MemoryMeterQueryStore extends MeterQueryStore {
  /** Facts per meter id. */
  facts: Map<string, MeterFact[]>;
  /** Every request received, to check which granularity the planner chose. */
  requests: MeterAggregateRequest[];
  retentionMs: Record<Granularity, number>;
}

/**
 * MeterQueryStore over facts in memory, for unit tests of the query side.
 * Like buckets, it can only answer windows that fall on their granularity
 * and lie within its retention: anything else throws, so a planner mistake
 * fails loudly. Parts with the same `mergeInto` are aggregated together.
 */
export function createMemoryMeterQueryStore(retentionMs: Record<Granularity, number> = { minute: 8 * 86_400_000, hour: 400 * 86_400_000, day: 1830 * 86_400_000 }): MemoryMeterQueryStore {
  const store: MemoryMeterQueryStore = {
    facts: new Map(),
    requests: [],
    retentionMs,
    retentionStartMs(granularity, nowMs) {
      const size = bucketMs[granularity];
      return Math.floor((nowMs - store.retentionMs[granularity]) / size) * size + size;
    },
    async aggregate(request) {
      store.requests.push(request);
      const groups = new Map<string, { window: number; values: string[]; facts: MeterFact[] }>();
      request.windows.forEach((window, index) => {
        const granularity = window.granularity ?? request.granularity;
        const size = bucketMs[granularity];
        if (window.fromMs % size !== 0 || window.toMs % size !== 0) throw new Error(`window not aligned to ${granularity}`);
        if (window.fromMs < store.retentionStartMs(granularity, Date.now())) throw new Error(`window older than ${granularity} retention`);
        const target = window.mergeInto ?? index;
        for (const fact of store.facts.get(request.meter.id) ?? []) {
          if (fact.timeMs < window.fromMs || fact.timeMs >= window.toMs || !matches(fact, request.filters, request.customerIds)) continue;
          const dims = dimensionsOf(fact);
          const values = request.groupBy.map((k) => dims[k] ?? '');
          const key = `${target}|${JSON.stringify(values)}`;
          const group = groups.get(key) ?? { window: target, values, facts: [] };
          group.facts.push(fact);
          groups.set(key, group);
        }
      });
      return [...groups.values()].map(({ window, values, facts }) => ({
        window,
        dimensions: Object.fromEntries(request.groupBy.map((k, i) => [k, values[i]!])),
        value: aggregateFacts(request.meter.aggregation, facts),
      }));
    },
  };
  return store;
}
