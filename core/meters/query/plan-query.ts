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

/** A part of an answer window, read at one granularity. */
export interface PlannedPart extends TimeWindow {
  granularity: Granularity;
  /** Index in `QueryPlan.windows` of the window this part belongs to. */
  mergeInto: number;
}

export interface QueryPlan {
  /** The windows of the answer, whole (the first and last may be read only in part). */
  windows: ZoneWindow[];
  /** Disjoint, in window order; the store merges the parts of a window. */
  parts: PlannedPart[];
}

/**
 * Splits every window (clipped to `[from, to)`) into parts the buckets can
 * answer exactly: whole UTC days in the middle, hours next to them, minutes
 * only at edges that fall on no hour. A day in Asia/Kolkata (18:30 to 18:30
 * UTC) is 30 minutes, 23 hours, 30 minutes; one in Asia/Kathmandu (+05:45)
 * 45 minutes, 23 hours, 15 minutes. Refuses, naming why, any part older than
 * its granularity's retention, and ranges too large to read.
 */
export function planQuery(input: PlanInput): QueryPlan {
  const { fromMs, toMs, windowSize, offsets, maxWindows } = input;
  requireMinute(fromMs, 'from');
  requireMinute(toMs, 'to');
  if (windowSize && estimateWindowCount(windowSize, fromMs, toMs) > maxWindows * 1.1 + 2) throw tooManyWindows(windowSize, maxWindows);
  const windows = windowSize ? zoneWindows(offsets, windowSize, fromMs, toMs) : [{ startMs: fromMs, endMs: toMs }];
  if (windows.length > maxWindows) throw tooManyWindows(windowSize!, maxWindows);

  // Three retention edges, asked once per plan rather than once per part.
  const retention = { day: input.retentionStartMs('day'), hour: input.retentionStartMs('hour'), minute: input.retentionStartMs('minute') };
  const split: SplitInput = { offsets, retentionStartMs: (granularity) => retention[granularity] };
  const parts: PlannedPart[] = [];
  windows.forEach((window, index) => splitAligned(Math.max(window.startMs, fromMs), Math.min(window.endMs, toMs), index, split, parts));
  let buckets = 0;
  for (const part of parts) buckets += (part.toMs - part.fromMs) / granularityMs[part.granularity];
  if (buckets > input.maxBuckets) {
    throw new TallyError(
      'BAD_REQUEST',
      `the query would merge ${buckets} buckets, more than the limit of ${input.maxBuckets}: ` +
        'narrow from/to, or align them (and the windows) to whole hours or UTC days so coarser buckets answer it',
      { invalidParameters: [{ field: 'from', rule: 'max_buckets', reason: `more than ${input.maxBuckets} buckets`, source: 'query' }] },
    );
  }
  return { windows, parts };
}

type SplitInput = Pick<PlanInput, 'offsets' | 'retentionStartMs'>;

/**
 * `[from, to)` as its largest day-aligned middle, then hour-aligned parts,
 * then minutes at the edges, appended to `parts` in time order. Each part
 * must be retained at its granularity.
 */
function splitAligned(fromMs: number, toMs: number, mergeInto: number, input: SplitInput, parts: PlannedPart[], coarsest = 0): void {
  for (let level = coarsest; level < coarsestFirst.length; level++) {
    const granularity = coarsestFirst[level]!;
    const size = granularityMs[granularity];
    const middleFrom = Math.ceil(fromMs / size) * size;
    const middleTo = Math.floor(toMs / size) * size;
    if (middleFrom >= middleTo) continue;
    if (middleFrom < input.retentionStartMs(granularity)) {
      parts.push({ fromMs, toMs, granularity: chooseGranularity({ fromMs, toMs }, input), mergeInto });
      return;
    }
    if (fromMs < middleFrom) splitAligned(fromMs, middleFrom, mergeInto, input, parts, level + 1);
    parts.push({ fromMs: middleFrom, toMs: middleTo, granularity, mergeInto });
    if (middleTo < toMs) splitAligned(middleTo, toMs, mergeInto, input, parts, level + 1);
    return;
  }
  parts.push({ fromMs, toMs, granularity: chooseGranularity({ fromMs, toMs }, input), mergeInto });
}

function chooseGranularity(window: TimeWindow, input: SplitInput): Granularity {
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
