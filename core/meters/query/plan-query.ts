import { TallyError } from '../../http/tally-error.js';
import type { Granularity, TimeWindow } from '../meter-query-store.js';
import { formatZoneTime } from './format-zone-time.js';
import type { ZoneOffsets } from './zone-offsets.js';
import { estimateWindowCount, zoneWindows, type WindowSize, type ZoneWindow } from './zone-windows.js';

/** Bucket sizes as the worker keeps them: aligned to UTC minutes, hours and days. */
export const granularityMs: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const coarsestFirst: Granularity[] = ['day', 'hour', 'minute'];

export interface PlanInput {
  fromMs: number;
  toMs: number;
  windowSize?: WindowSize;
  offsets: ZoneOffsets;
  /** Oldest retained bucket start per granularity. */
  retentionStartMs: (granularity: Granularity) => number;
  maxWindows: number;
  maxBuckets: number;
  /**
   * The aggregation's window value can be combined from values of disjoint
   * parts (SUM, COUNT, MIN, MAX): windows are then read as days in the
   * middle and hours and minutes only at the unaligned edges.
   */
  splittable: boolean;
}

/** One store read: windows (or parts of windows) at one granularity, and where they go in the answer. */
export interface PlannedRead {
  granularity: Granularity;
  windows: TimeWindow[];
  /** `answerIndex[i]` is the index in `QueryPlan.windows` of `windows[i]`; with splitting, several parts share one. */
  answerIndex: number[];
}

export interface QueryPlan {
  /** The windows of the answer, whole (the first and last may be read only in part). */
  windows: ZoneWindow[];
  reads: PlannedRead[];
}

/**
 * Chooses, per window, the coarsest kept granularity whose buckets fall on
 * both of its edges (the edges clipped to `[from, to)`) and that is still
 * retained there. A DAY in Asia/Kolkata starts at 18:30 UTC, so it is read
 * from hours; a DAY in Asia/Kathmandu (+05:45) only from minutes. Refuses,
 * naming why, anything no granularity can answer exactly.
 */
export function planQuery(input: PlanInput): QueryPlan {
  const { fromMs, toMs, windowSize, offsets, maxWindows } = input;
  requireMinute(fromMs, 'from');
  requireMinute(toMs, 'to');
  if (windowSize && estimateWindowCount(windowSize, fromMs, toMs) > maxWindows * 1.1 + 2) throw tooManyWindows(windowSize, maxWindows);
  const windows = windowSize ? zoneWindows(offsets, windowSize, fromMs, toMs) : [{ startMs: fromMs, endMs: toMs }];
  if (windows.length > maxWindows) throw tooManyWindows(windowSize!, maxWindows);

  const byGranularity = new Map<Granularity, PlannedRead>();
  let buckets = 0;
  windows.forEach((window, index) => {
    const clipped = { fromMs: Math.max(window.startMs, fromMs), toMs: Math.min(window.endMs, toMs) };
    const parts: [Granularity, TimeWindow][] = input.splittable ? splitAligned(clipped, input) : [[chooseGranularity(clipped, input), clipped]];
    for (const [granularity, part] of parts) {
      buckets += (part.toMs - part.fromMs) / granularityMs[granularity];
      let read = byGranularity.get(granularity);
      if (!read) byGranularity.set(granularity, (read = { granularity, windows: [], answerIndex: [] }));
      read.windows.push(part);
      read.answerIndex.push(index);
    }
  });
  if (buckets > input.maxBuckets) {
    throw new TallyError(
      'BAD_REQUEST',
      `the query would merge ${buckets} buckets, more than the limit of ${input.maxBuckets}: ` +
        'narrow from/to, or align them (and the windows) to whole hours or UTC days so coarser buckets answer it',
      { invalidParameters: [{ field: 'from', rule: 'max_buckets', reason: `more than ${input.maxBuckets} buckets`, source: 'query' }] },
    );
  }
  return { windows, reads: [...byGranularity.values()] };
}

/**
 * `[from, to)` as its largest day-aligned middle, then hour-aligned parts,
 * then minutes at the edges. Each part must be retained at its granularity.
 */
function splitAligned(window: TimeWindow, input: PlanInput, coarsest = 0): [Granularity, TimeWindow][] {
  for (let level = coarsest; level < coarsestFirst.length; level++) {
    const granularity = coarsestFirst[level]!;
    const size = granularityMs[granularity];
    const middle = { fromMs: Math.ceil(window.fromMs / size) * size, toMs: Math.floor(window.toMs / size) * size };
    if (middle.fromMs >= middle.toMs) continue;
    if (middle.fromMs < input.retentionStartMs(granularity)) return [[chooseGranularity(window, input), window]];
    const head = { fromMs: window.fromMs, toMs: middle.fromMs };
    const tail = { fromMs: middle.toMs, toMs: window.toMs };
    return [
      ...(head.fromMs < head.toMs ? splitAligned(head, input, level + 1) : []),
      [granularity, middle] as [Granularity, TimeWindow],
      ...(tail.fromMs < tail.toMs ? splitAligned(tail, input, level + 1) : []),
    ];
  }
  return [[chooseGranularity(window, input), window]];
}

function chooseGranularity(window: TimeWindow, input: PlanInput): Granularity {
  let alignedButExpired: Granularity | undefined;
  for (const granularity of coarsestFirst) {
    const size = granularityMs[granularity];
    if (window.fromMs % size !== 0 || window.toMs % size !== 0) continue;
    if (window.fromMs >= input.retentionStartMs(granularity)) return granularity;
    alignedButExpired ??= granularity;
  }
  const granularity = alignedButExpired ?? 'minute';
  // In UTC: the zone's offsets are known only around the query's range.
  const oldest = new Date(input.retentionStartMs(granularity)).toISOString().replace('.000Z', 'Z');
  const start = formatZoneTime(input.offsets, window.fromMs);
  throw new TallyError(
    'BAD_REQUEST',
    `cannot answer exactly from ${start}: the finest buckets that fall on this window's edges are ${granularity} buckets, ` +
      `kept only from ${oldest}; move from later, or use a window size and time zone that fall on coarser buckets`,
    { invalidParameters: [{ field: 'from', rule: 'retention', reason: `${granularity} buckets are kept only from ${oldest}`, source: 'query' }] },
  );
}

function requireMinute(ms: number, field: 'from' | 'to'): void {
  if (ms % granularityMs.minute === 0) return;
  throw new TallyError('BAD_REQUEST', `${field} must fall on a whole minute (the finest granularity Tally keeps): ${new Date(ms).toISOString()}`, {
    invalidParameters: [{ field, rule: 'minute_aligned', reason: 'must fall on a whole minute', source: 'query' }],
  });
}

function tooManyWindows(windowSize: WindowSize, maxWindows: number): TallyError {
  return new TallyError('BAD_REQUEST', `the range holds more than ${maxWindows} ${windowSize} windows: narrow from/to or use a larger windowSize`, {
    invalidParameters: [{ field: 'windowSize', rule: 'max_windows', reason: `more than ${maxWindows} windows`, source: 'query' }],
  });
}
