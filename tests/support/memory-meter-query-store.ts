import type { Granularity, MeterAggregateRequest, MeterAggregateRow, MeterQueryStore } from '../../core/meters/meter-query-store.js';
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
 * Like buckets, it can only answer windows that fall on its granularity and
 * lie within retention: anything else throws, so a planner mistake fails loudly.
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
      const size = bucketMs[request.granularity];
      const rows: MeterAggregateRow[] = [];
      request.windows.forEach((window, index) => {
        if (window.fromMs % size !== 0 || window.toMs % size !== 0) throw new Error(`window not aligned to ${request.granularity}`);
        if (window.fromMs < store.retentionStartMs(request.granularity, Date.now())) throw new Error('window older than retention');
        const groups = new Map<string, MeterFact[]>();
        for (const fact of store.facts.get(request.meter.id) ?? []) {
          if (fact.timeMs < window.fromMs || fact.timeMs >= window.toMs || !matches(fact, request.filters, request.customerIds)) continue;
          const dims = dimensionsOf(fact);
          const key = JSON.stringify(request.groupBy.map((k) => dims[k] ?? ''));
          groups.set(key, [...(groups.get(key) ?? []), fact]);
        }
        for (const [key, group] of groups) {
          const values = JSON.parse(key) as string[];
          rows.push({
            window: index,
            dimensions: Object.fromEntries(request.groupBy.map((k, i) => [k, values[i]!])),
            value: aggregateFacts(request.meter.aggregation, group),
          });
        }
      });
      return rows;
    },
  };
  return store;
}
