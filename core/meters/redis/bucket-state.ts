import type { Aggregation } from '../meter.js';
import type { BucketHash } from './bucket-hash.js';

/**
 * The mergeable state of an aggregation over some buckets, and how bucket
 * fields (as the apply script writes them) fold into it. UNIQUE_COUNT is
 * not here: its sets are merged by `unique-count-reader.ts`.
 */
export interface BucketState {
  sum: number;
  count: number;
  value: number | undefined;
  time: number;
}

export function emptyState(): BucketState {
  return { sum: 0, count: 0, value: undefined, time: Number.NEGATIVE_INFINITY };
}

/**
 * Folds the buckets of `hash` in slots `[first, end)` into `state`, bucket
 * one by one; returns whether any bucket was present.
 */
export function foldSlots(aggregation: Aggregation, state: BucketState, hash: BucketHash, first: number, end: number): boolean {
  const { main, count, time } = hash;
  let seen = false;
  for (let slot = first; slot < end; slot++) {
    const value = main[slot]!;
    if (value !== value) continue; // NaN: no bucket
    seen = true;
    switch (aggregation) {
      case 'SUM':
      case 'COUNT':
        state.sum += value;
        state.count += 1;
        break;
      case 'AVG':
        state.sum += value;
        state.count += count[slot]!;
        break;
      case 'MIN':
        state.value = state.value === undefined ? value : Math.min(state.value, value);
        break;
      case 'MAX':
        state.value = state.value === undefined ? value : Math.max(state.value, value);
        break;
      case 'LATEST':
        mergeLatest(state, time[slot]!, value);
        break;
      default:
        break;
    }
  }
  return seen;
}

/** Merges `from` into `into` (rows being combined across groups or customers). */
export function mergeState(aggregation: Aggregation, into: BucketState, from: BucketState): void {
  into.sum += from.sum;
  into.count += from.count;
  if (from.value === undefined) return;
  if (aggregation === 'LATEST') mergeLatest(into, from.time, from.value);
  else if (into.value === undefined) into.value = from.value;
  else into.value = aggregation === 'MIN' ? Math.min(into.value, from.value) : Math.max(into.value, from.value);
}

/** Greatest time wins; a tie goes to the greater value (as in the apply script). */
function mergeLatest(state: BucketState, time: number, value: number): void {
  if (time > state.time || (time === state.time && (state.value === undefined || value > state.value))) {
    state.time = time;
    state.value = value;
  }
}

export function stateValue(aggregation: Aggregation, state: BucketState): number | null {
  switch (aggregation) {
    case 'SUM':
    case 'COUNT':
      return state.sum;
    case 'AVG':
      return state.count === 0 ? null : state.sum / state.count;
    default:
      return state.value ?? null;
  }
}
