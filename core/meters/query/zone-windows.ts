import type { ZoneOffsets } from './zone-offsets.js';

export const WINDOW_SIZES = ['MINUTE', 'HOUR', 'DAY', 'MONTH'] as const;
export type WindowSize = (typeof WINDOW_SIZES)[number];

/** A window of the answer: `[startMs, endMs)` in UTC ms, whole in the zone's calendar. */
export interface ZoneWindow {
  startMs: number;
  endMs: number;
}

const hourMs = 3_600_000;
/** Offsets lie within [-14 h, +14 h], so both readings of a wall time lie within this of it. */
const offsetReachMs = 15 * hourMs;
const fixedUnitMs: Record<'MINUTE' | 'HOUR', number> = { MINUTE: 60_000, HOUR: hourMs };

/**
 * The windows of `size` in a zone that intersect `[fromMs, toMs)`, in order.
 * MINUTE and HOUR windows truncate the local time, so the repeated hour of a
 * DST fall-back is two windows with different offsets, and a skipped hour is
 * none (a 30-minute shift starts a window at the change); DAY and MONTH windows run from local midnight to local midnight and
 * are 23 or 25 hours long across a DST change.
 */
export function zoneWindows(offsets: ZoneOffsets, size: WindowSize, fromMs: number, toMs: number): ZoneWindow[] {
  const windows: ZoneWindow[] = [];
  let start = windowStart(offsets, size, fromMs);
  while (start < toMs) {
    const end = nextWindowStart(offsets, size, start);
    windows.push({ startMs: start, endMs: end });
    start = end;
  }
  return windows;
}

/** Counts windows without building them, so an oversized request is refused cheaply. */
export function estimateWindowCount(size: WindowSize, fromMs: number, toMs: number): number {
  const span = toMs - fromMs;
  if (size === 'MONTH') return Math.ceil(span / (28 * 24 * hourMs)) + 1;
  if (size === 'DAY') return Math.ceil(span / (23 * hourMs)) + 1;
  return Math.ceil(span / fixedUnitMs[size]) + 1;
}

/** Start of the window containing `utcMs`. */
export function windowStart(offsets: ZoneOffsets, size: WindowSize, utcMs: number): number {
  const offset = offsets.offsetAt(utcMs);
  const local = utcMs + offset;
  if (size === 'MINUTE' || size === 'HOUR') {
    const truncated = utcMs - mod(local, fixedUnitMs[size]);
    return offsets.offsetAt(truncated) === offset ? truncated : offsetChangeBefore(offsets, truncated, utcMs);
  }
  const date = new Date(local);
  const wall = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), size === 'MONTH' ? 1 : date.getUTCDate());
  return wallToUtc(offsets, wall);
}

function nextWindowStart(offsets: ZoneOffsets, size: WindowSize, startMs: number): number {
  if (size === 'MINUTE' || size === 'HOUR') {
    const unit = fixedUnitMs[size];
    const next = windowStart(offsets, size, startMs + unit);
    // An offset change inside the window (e.g. a 30-minute DST shift) ends it early.
    return next > startMs ? next : startMs + unit;
  }
  const local = new Date(startMs + offsets.offsetAt(startMs));
  const wall =
    size === 'DAY'
      ? Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1)
      : Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1);
  return wallToUtc(offsets, wall);
}

/**
 * The instant a local wall time names. When the wall time occurs twice
 * (fall-back) the earlier; when it does not occur (spring-forward at
 * midnight, as in America/Havana) the instant the gap ends.
 */
export function wallToUtc(offsets: ZoneOffsets, wallMs: number): number {
  const before = offsets.offsetAt(wallMs - offsetReachMs);
  const after = offsets.offsetAt(wallMs + offsetReachMs);
  const candidates = before === after ? [before] : [before, after];
  let best: number | undefined;
  for (const offset of candidates) {
    const utcMs = wallMs - offset;
    if (offsets.offsetAt(utcMs) === offset && (best === undefined || utcMs < best)) best = utcMs;
  }
  if (best !== undefined) return best;
  return Math.max(...candidates.map((offset) => wallMs - offset));
}

/**
 * The offset changed between `fromMs` and `toMs` (a 30-minute DST shift,
 * as in Australia/Lord_Howe, moves the local clock off the hour): the window
 * starts at the change. Offsets change on whole minutes.
 */
function offsetChangeBefore(offsets: ZoneOffsets, fromMs: number, toMs: number): number {
  const offset = offsets.offsetAt(toMs);
  let lo = fromMs;
  let hi = toMs;
  while (hi - lo > 60_000) {
    const mid = Math.floor((lo + hi) / 120_000) * 60_000;
    if (mid <= lo || mid >= hi) break;
    if (offsets.offsetAt(mid) === offset) hi = mid;
    else lo = mid;
  }
  // The change is the first whole minute after `lo` (at most `hi`).
  return Math.min(hi, Math.ceil((lo + 1) / 60_000) * 60_000);
}

function mod(value: number, unit: number): number {
  return ((value % unit) + unit) % unit;
}
