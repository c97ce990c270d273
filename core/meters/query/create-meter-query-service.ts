import { TallyError } from '../../http/tally-error.js';
import type { Aggregation } from '../meter.js';
import type { MeterAggregateRow, MeterQueryStore } from '../meter-query-store.js';
import type { MeterQuery, MeterQueryAnswer, MeterQueryRow, MeterQueryService } from './meter-query.js';
import { resolveRange } from './default-range.js';
import { planQuery } from './plan-query.js';

export interface MeterQueryServiceDeps {
  store: MeterQueryStore;
  limits: { maxWindows: number; maxBuckets: number };
  now?: () => number;
}

/**
 * Plans a query (window edges in the zone, granularity per window), reads the
 * store once per granularity in parallel, and orders the rows.
 */
export function createMeterQueryService({ store, limits, now = Date.now }: MeterQueryServiceDeps): MeterQueryService {
  return {
    async query(query) {
      const nowMs = now();
      const retentionStartMs = (granularity: Parameters<MeterQueryStore['retentionStartMs']>[0]) => store.retentionStartMs(granularity, nowMs);
      const { fromMs, toMs, offsets } = resolveRange({ ...query, nowMs, retentionStartMs, maxWindows: limits.maxWindows });
      if (fromMs >= toMs) {
        throw new TallyError('BAD_REQUEST', `from must be before to (from ${new Date(fromMs).toISOString()}, to ${new Date(toMs).toISOString()})`, {
          invalidParameters: [{ field: 'from', rule: 'before_to', reason: 'must be before to', source: 'query' }],
        });
      }

      const splittable = combine[query.meter.aggregation] !== undefined;
      const plan = planQuery({ fromMs, toMs, windowSize: query.windowSize, offsets, retentionStartMs, splittable, ...limits });
      const results = await Promise.all(
        plan.reads.map((read) =>
          store.aggregate({
            meter: query.meter,
            ...(query.customerIds ? { customerIds: query.customerIds } : {}),
            granularity: read.granularity,
            windows: read.windows,
            groupBy: query.groupBy,
            filters: query.filters,
          }),
        ),
      );

      const merged = new Map<string, MeterQueryRow & { order: string }>();
      const merge = combine[query.meter.aggregation];
      results.forEach((result: MeterAggregateRow[], readIndex) => {
        const read = plan.reads[readIndex]!;
        for (const row of result) {
          if (row.value === null) continue;
          const index = read.answerIndex[row.window]!;
          const window = plan.windows[index]!;
          const dimensions = Object.fromEntries(query.groupBy.map((key) => [key, row.dimensions[key] ?? '']));
          const order = JSON.stringify(dimensions);
          const key = `${index}|${order}`;
          const seen = merged.get(key);
          if (seen && merge) seen.value = merge(seen.value, row.value);
          else merged.set(key, { windowStartMs: window.startMs, windowEndMs: window.endMs, dimensions, value: row.value, order });
        }
      });
      const rows = [...merged.values()];
      rows.sort((a, b) => a.windowStartMs - b.windowStartMs || (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
      const answer: MeterQueryAnswer = {
        fromMs,
        toMs,
        offsets,
        rows: rows.map(({ order: _order, ...row }) => row),
      };
      if (query.windowSize) answer.windowSize = query.windowSize;
      return answer;
    },
  };
}

/** How values of disjoint parts of a window combine; the other aggregations need one read per window. */
const combine: Partial<Record<Aggregation, (a: number, b: number) => number>> = {
  SUM: (a, b) => a + b,
  COUNT: (a, b) => a + b,
  MIN: Math.min,
  MAX: Math.max,
};
