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
}

/** One store read: windows answered at one granularity, and where they go in the answer. */
export interface PlannedRead {
  granularity: Granularity;
  windows: TimeWindow[];
  /** `answerIndex[i]` is the index in `QueryPlan.windows` of `windows[i]`. */
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
    const granularity = chooseGranularity(clipped, input);
    buckets += (clipped.toMs - clipped.fromMs) / granularityMs[granularity];
    let read = byGranularity.get(granularity);
    if (!read) byGranularity.set(granularity, (read = { granularity, windows: [], answerIndex: [] }));
    read.windows.push(clipped);
    read.answerIndex.push(index);
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

function chooseGranularity(window: TimeWindow, input: PlanInput): Granularity {
  let alignedButExpired: Granularity | undefined;
  for (const granularity of coarsestFirst) {
    const size = granularityMs[granularity];
    if (window.fromMs % size !== 0 || window.toMs % size !== 0) continue;
    if (window.fromMs >= input.retentionStartMs(granularity)) return granularity;
    alignedButExpired ??= granularity;
  }
  const granularity = alignedButExpired ?? 'minute';
  const oldest = formatZoneTime(input.offsets, input.retentionStartMs(granularity));
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
