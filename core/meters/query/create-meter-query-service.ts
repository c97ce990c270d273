import { TallyError } from '../../http/tally-error.js';
import type { MeterQueryStore } from '../meter-query-store.js';
import type { MeterQuery, MeterQueryAnswer, MeterQueryRow, MeterQueryService } from './meter-query.js';
import { resolveRange } from './default-range.js';
import { planQuery } from './plan-query.js';

export interface MeterQueryServiceDeps {
  store: MeterQueryStore;
  limits: { maxWindows: number; maxBuckets: number };
  now?: () => number;
}

/**
 * Plans a query (window edges in the zone, each window split into parts of
 * the coarsest buckets that answer it exactly), reads every part in one
 * store call that merges the parts of a window, and orders the rows.
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

      const plan = planQuery({ fromMs, toMs, windowSize: query.windowSize, offsets, retentionStartMs, ...limits });
      const result = await store.aggregate({
        meter: query.meter,
        ...(query.customerIds ? { customerIds: query.customerIds } : {}),
        granularity: 'minute',
        windows: plan.parts,
        groupBy: query.groupBy,
        filters: query.filters,
      });
      const rows: MeterQueryRow[] = [];
      const order = new Map<MeterQueryRow, string>();
      for (const row of result) {
        if (row.value === null) continue;
        const window = plan.windows[row.window]!;
        const dimensions: Record<string, string> = {};
        for (const key of query.groupBy) dimensions[key] = row.dimensions[key] ?? '';
        const answerRow = { windowStartMs: window.startMs, windowEndMs: window.endMs, dimensions, value: row.value };
        rows.push(answerRow);
        if (query.groupBy.length > 0) order.set(answerRow, JSON.stringify(dimensions));
      }
      // Without groupBy there is one row per window: the window order is the whole order.
      rows.sort((a, b) => a.windowStartMs - b.windowStartMs || compareText(order.get(a) ?? '', order.get(b) ?? ''));
      const answer: MeterQueryAnswer = { fromMs, toMs, offsets, rows };
      if (query.windowSize) answer.windowSize = query.windowSize;
      return answer;
    },
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
