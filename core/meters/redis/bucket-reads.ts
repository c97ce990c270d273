import type { Aggregation } from '../meter.js';
import type { Granularity, MeterAggregateRequest, MeterAggregateRow } from '../meter-query-store.js';
import type { BucketHash } from './bucket-hash.js';
import { BUCKET_MS, customerBase, LAYOUT, timePart } from './bucket-layout.js';
import { emptyState, foldSlots, mergeState, stateValue, type BucketState } from './bucket-state.js';
import type { MeterGroup } from './redis-meter-store.js';

/**
 * What to read for a query and how to merge it. Hashes are numbered in the
 * order of `customers` and their keys; each read folds slots `[first, end)`
 * of one hash into one answer row (a window and a projection of the groups).
 */
export interface BucketReadPlan {
  customers: Array<{ keys: string[]; granularities: Granularity[] }>;
  /** Per read, in the order the answer sums them: hash number, first slot, end slot, row number. */
  hash: number[];
  first: number[];
  end: number[];
  row: number[];
  /** Per row number: the answer window and dimensions. */
  rows: Array<{ window: number; dimensions: Record<string, string> }>;
}

/**
 * Every hash the windows of every group touch (each once, however many
 * windows share it) and the slot range each window part takes from it.
 */
export function planBucketReads(prefix: string, request: MeterAggregateRequest, groups: readonly MeterGroup[]): BucketReadPlan {
  const { meter, windows } = request;
  const plan: BucketReadPlan = { customers: [], hash: [], first: [], end: [], row: [], rows: [] };
  const projections = new Map<string, number>();
  const rowOf = new Map<number, number>();
  let customerId: string | undefined;
  let customer: BucketReadPlan['customers'][number] = { keys: [], granularities: [] };
  let hashCount = 0;
  for (const group of groups) {
    if (group.customerId !== customerId) {
      customerId = group.customerId;
      customer = { keys: [], granularities: [] };
      plan.customers.push(customer);
    }
    const json = JSON.stringify(group.rowDimensions);
    let projection = projections.get(json);
    if (projection === undefined) projections.set(json, (projection = projections.size));
    const base = `${customerBase(prefix, group.customerId)}b:${meter.id}:${group.gid}:`;
    // A group's hashes by granularity and start: many windows share one hash, and its key is built once.
    const hashOf = { minute: new Map<number, number>(), hour: new Map<number, number>(), day: new Map<number, number>() };
    for (let index = 0; index < windows.length; index++) {
      const { fromMs, toMs, granularity = request.granularity, mergeInto = index } = windows[index]!;
      const layout = LAYOUT[granularity];
      const size = BUCKET_MS[granularity];
      const rowKey = mergeInto * (groups.length + 1) + projection;
      let row = rowOf.get(rowKey);
      if (row === undefined) {
        rowOf.set(rowKey, (row = plan.rows.length));
        plan.rows.push({ window: mergeInto, dimensions: group.rowDimensions });
      }
      for (let keyStart = layout.keyStart(fromMs); keyStart < toMs; keyStart = layout.keyEnd(keyStart)) {
        let hash = hashOf[granularity].get(keyStart);
        if (hash === undefined) {
          hashOf[granularity].set(keyStart, (hash = hashCount++));
          customer.keys.push(`${base}${layout.code}:${timePart(keyStart)}`);
          customer.granularities.push(granularity);
        }
        plan.hash.push(hash);
        plan.first.push(Math.max(0, Math.ceil((fromMs - keyStart) / size)));
        plan.end.push(Math.ceil((toMs - keyStart) / size));
        plan.row.push(row);
      }
    }
  }
  return plan;
}

/**
 * Folds every read into its row, in plan order: each read's buckets into a
 * state of its own, then that into the row, so sums add up in the same
 * order whatever the hashes hold. Rows with no bucket are left out.
 */
export function mergeReads(aggregation: Aggregation, plan: BucketReadPlan, hashes: readonly BucketHash[]): MeterAggregateRow[] {
  const states: Array<BucketState | undefined> = new Array(plan.rows.length);
  let scratch = emptyState();
  for (let read = 0; read < plan.hash.length; read++) {
    const hash = hashes[plan.hash[read]!]!;
    const end = Math.min(plan.end[read]!, hash.main.length);
    if (!foldSlots(aggregation, scratch, hash, plan.first[read]!, end)) continue;
    const row = plan.row[read]!;
    const state = states[row];
    if (state) {
      mergeState(aggregation, state, scratch);
      resetState(scratch);
    } else {
      states[row] = scratch;
      scratch = emptyState();
    }
  }
  const answer: MeterAggregateRow[] = [];
  states.forEach((state, row) => {
    if (!state) return;
    const { window, dimensions } = plan.rows[row]!;
    answer.push({ window, dimensions, value: stateValue(aggregation, state) });
  });
  return answer.sort((a, b) => a.window - b.window);
}

function resetState(state: BucketState): void {
  state.sum = 0;
  state.count = 0;
  state.value = undefined;
  state.time = Number.NEGATIVE_INFINITY;
}
