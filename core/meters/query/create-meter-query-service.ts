import { TallyError } from '../../http/tally-error.js';
import type { MeterQueryStore } from '../meter-query-store.js';
import type { MeterQuery, MeterQueryAnswer, MeterQueryRow, MeterQueryService } from './meter-query.js';
import { resolveRange } from './default-range.js';
import { createPlanCache } from './plan-cache.js';
import { planQuery } from './plan-query.js';

/** Parts of the plans kept for repeated queries: about ten 3,000-window answers' worth, a few MB at most. */
const planCacheParts = 30_000;

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
  const plans = createPlanCache({ maxParts: planCacheParts });
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

      const retention = { day: retentionStartMs('day'), hour: retentionStartMs('hour'), minute: retentionStartMs('minute') };
      const planKey = `${offsets.zone}|${fromMs}|${toMs}|${query.windowSize ?? ''}|${retention.day}|${retention.hour}|${retention.minute}`;
      const plan = plans.get(planKey, () => planQuery({ fromMs, toMs, windowSize: query.windowSize, offsets, retentionStartMs: (granularity) => retention[granularity], ...limits }));
      const result = await store.aggregate({
        meter: query.meter,
        ...(query.customerIds ? { customerIds: query.customerIds } : {}),
        granularity: 'minute',
        windows: plan.parts,
        groupBy: query.groupBy,
        filters: query.filters,
      });
      const rows: MeterQueryRow[] = [];
      for (const row of result) {
        if (row.value === null) continue;
        const window = plan.windows[row.window]!;
        rows.push({ windowStartMs: window.startMs, windowEndMs: window.endMs, dimensions: projected(row.dimensions, query.groupBy), value: row.value });
      }
      sortRows(rows, query.groupBy.length > 0);
      const answer: MeterQueryAnswer = { fromMs, toMs, offsets, rows };
      if (query.windowSize) answer.windowSize = query.windowSize;
      return answer;
    },
  };
}

/** The row's dimensions as asked (every groupBy key, in order, "" when missing): the store's own object when it is that already. */
function projected(dimensions: Record<string, string>, groupBy: readonly string[]): Record<string, string> {
  let at = 0;
  for (const key in dimensions) {
    if (key !== groupBy[at] || typeof dimensions[key] !== 'string') {
      at = -1;
      break;
    }
    at++;
  }
  if (at === groupBy.length) return dimensions;
  const out: Record<string, string> = {};
  for (const key of groupBy) out[key] = dimensions[key] ?? '';
  return out;
}

/** By window start, then by dimensions; rows usually come in window order already, which is checked first. */
function sortRows(rows: MeterQueryRow[], grouped: boolean): void {
  if (!grouped) {
    let sorted = true;
    for (let i = 1; i < rows.length && sorted; i++) sorted = rows[i - 1]!.windowStartMs <= rows[i]!.windowStartMs;
    if (!sorted) rows.sort((a, b) => a.windowStartMs - b.windowStartMs);
    return;
  }
  const keys = new Map(rows.map((row) => [row, JSON.stringify(row.dimensions)]));
  rows.sort((a, b) => a.windowStartMs - b.windowStartMs || compareText(keys.get(a)!, keys.get(b)!));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
