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

/** Rows (windows x projections) up to this many are found through a dense table, beyond it through a Map. */
const DENSE_ROWS = 1 << 16;

/**
 * Folds every group's reads into rows (a window and a projection), groups
 * in order, then windows: each read's buckets into a state of its own, then
 * that into the row, so sums add up in the same order whatever the hashes
 * hold. Rows with no bucket are left out; rows come ordered by window, then
 * by projection.
 */
export function mergeReads(aggregation: Aggregation, plan: BucketReadPlan, groups: readonly GroupHashes[]): MeterAggregateRow[] {
  const projectionOf = new Map<string, number>();
  const projections = groups.map(({ rowDimensions }) => {
    const json = JSON.stringify(rowDimensions);
    let projection = projectionOf.get(json);
    if (projection === undefined) projectionOf.set(json, (projection = projectionOf.size));
    return projection;
  });
  let windows = 0;
  for (const window of plan.window) if (window >= windows) windows = window + 1;
  const width = projectionOf.size;
  // Row number + 1 per row key (window x width + projection), 0 for none yet.
  const dense = windows * width <= DENSE_ROWS ? new Int32Array(windows * width) : undefined;
  const sparse = dense ? undefined : new Map<number, number>();
  const rowKeys: number[] = [];
  const rowDimensions: Record<string, string>[] = [];
  const states: BucketState[] = [];
  let scratch = emptyState();
  groups.forEach(({ rowDimensions: dimensions, hashes }, g) => {
    const projection = projections[g]!;
    for (let read = 0; read < plan.hash.length; read++) {
      const hash = hashes[plan.hash[read]!]!;
      if (!foldSlots(aggregation, scratch, hash, plan.first[read]!, Math.min(plan.end[read]!, hash.main.length))) continue;
      const rowKey = plan.window[read]! * width + projection;
      const row = (dense ? dense[rowKey]! : (sparse!.get(rowKey) ?? 0)) - 1;
      if (row >= 0) {
        mergeState(aggregation, states[row]!, scratch);
        resetState(scratch);
        continue;
      }
      if (dense) dense[rowKey] = states.length + 1;
      else sparse!.set(rowKey, states.length + 1);
      rowKeys.push(rowKey);
      rowDimensions.push(dimensions);
      states.push(scratch);
      scratch = emptyState();
    }
  });
  const order = rowKeys.map((_, row) => row);
  if (!isAscending(rowKeys)) order.sort((a, b) => rowKeys[a]! - rowKeys[b]!);
  return order.map((row) => ({ window: Math.floor(rowKeys[row]! / width), dimensions: rowDimensions[row]!, value: stateValue(aggregation, states[row]!) }));
}

function isAscending(values: readonly number[]): boolean {
  for (let i = 1; i < values.length; i++) if (values[i]! < values[i - 1]!) return false;
  return true;
}

function resetState(state: BucketState): void {
  state.sum = 0;
  state.count = 0;
  state.value = undefined;
  state.time = Number.NEGATIVE_INFINITY;
}
