import type { Aggregation } from '../meter.js';
import type { Granularity, MeterAggregateRequest, MeterAggregateRow } from '../meter-query-store.js';
import type { BucketHash } from './bucket-hash.js';
import { BUCKET_MS, LAYOUT, timePart } from './bucket-layout.js';
import { emptyState, foldSlots, mergeState, stateValue, type BucketState } from './bucket-state.js';

/**
 * The bucket hashes a query's windows touch, the same for every group: each
 * hash once however many windows share it (an hour of minutes, a UTC day of
 * hours, a UTC month of days), and per window part, in order, the slots
 * `[first, end)` it takes from each hash it meets.
 */
export interface BucketReadPlan {
  /** Per hash: `<code>:<start>`, the end of its key after `b:<meterId>:<gid>:`. */
  suffixes: string[];
  granularities: Granularity[];
  /** Per read: hash number, first slot, end slot, answer window. */
  hash: number[];
  first: number[];
  end: number[];
  window: number[];
}

export function planBucketReads(request: MeterAggregateRequest): BucketReadPlan {
  const plan: BucketReadPlan = { suffixes: [], granularities: [], hash: [], first: [], end: [], window: [] };
  const hashOf = { minute: new Map<number, number>(), hour: new Map<number, number>(), day: new Map<number, number>() };
  request.windows.forEach((part, index) => {
    const { fromMs, toMs, granularity = request.granularity, mergeInto = index } = part;
    const layout = LAYOUT[granularity];
    const size = BUCKET_MS[granularity];
    for (let keyStart = layout.keyStart(fromMs); keyStart < toMs; keyStart = layout.keyEnd(keyStart)) {
      let hash = hashOf[granularity].get(keyStart);
      if (hash === undefined) {
        hashOf[granularity].set(keyStart, (hash = plan.suffixes.length));
        plan.suffixes.push(`${layout.code}:${timePart(keyStart)}`);
        plan.granularities.push(granularity);
      }
      plan.hash.push(hash);
      plan.first.push(Math.max(0, Math.ceil((fromMs - keyStart) / size)));
      plan.end.push(Math.ceil((toMs - keyStart) / size));
      plan.window.push(mergeInto);
    }
  });
  return plan;
}

/** One group's hashes (in `plan.suffixes` order) and its projection onto the requested dimensions. */
export interface GroupHashes {
  rowDimensions: Record<string, string>;
  hashes: readonly BucketHash[];
}

/**
 * Folds every group's reads into rows (a window and a projection), groups
 * in order, then windows: each read's buckets into a state of its own, then
 * that into the row, so sums add up in the same order whatever the hashes
 * hold. Rows with no bucket are left out; rows come ordered by window.
 */
export function mergeReads(aggregation: Aggregation, plan: BucketReadPlan, groups: readonly GroupHashes[]): MeterAggregateRow[] {
  const projections = new Map<string, number>();
  const rows = new Map<number, { window: number; dimensions: Record<string, string>; state: BucketState }>();
  let scratch = emptyState();
  for (const { rowDimensions, hashes } of groups) {
    const json = JSON.stringify(rowDimensions);
    let projection = projections.get(json);
    if (projection === undefined) projections.set(json, (projection = projections.size));
    for (let read = 0; read < plan.hash.length; read++) {
      const hash = hashes[plan.hash[read]!]!;
      if (!foldSlots(aggregation, scratch, hash, plan.first[read]!, Math.min(plan.end[read]!, hash.main.length))) continue;
      const window = plan.window[read]!;
      const rowKey = window * (groups.length + 1) + projection;
      const row = rows.get(rowKey);
      if (row) {
        mergeState(aggregation, row.state, scratch);
        resetState(scratch);
      } else {
        rows.set(rowKey, { window, dimensions: rowDimensions, state: scratch });
        scratch = emptyState();
      }
    }
  }
  return [...rows.values()]
    .sort((a, b) => a.window - b.window)
    .map(({ window, dimensions, state }) => ({ window, dimensions, value: stateValue(aggregation, state) }));
}

function resetState(state: BucketState): void {
  state.sum = 0;
  state.count = 0;
  state.value = undefined;
  state.time = Number.NEGATIVE_INFINITY;
}
