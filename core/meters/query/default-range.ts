import type { Granularity } from '../meter-query-store.js';
import { granularityMs } from './plan-query.js';
import type { ZoneOffsetSource, ZoneOffsets } from './zone-offsets.js';
import { windowStart, zoneWindows, type WindowSize } from './zone-windows.js';

/** A MONTH window reaches 31 days beyond `from` and `to`; offsets must be known there too. */
const offsetMarginMs = 33 * 86_400_000;
const nominalWindowMs: Record<WindowSize, number> = { MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000, MONTH: 31 * 86_400_000 };

export interface RangeInput {
  fromMs?: number;
  toMs?: number;
  windowSize?: WindowSize;
  zone: ZoneOffsetSource;
  nowMs: number;
  retentionStartMs: (granularity: Granularity) => number;
  maxWindows: number;
}

export interface ResolvedRange {
  fromMs: number;
  toMs: number;
  offsets: ZoneOffsets;
}

/**
 * Fills in what the query left out, never a partial window and never a
 * range the buckets cannot answer. Without `to`: the end of the current UTC
 * day, or of the current window. Without `from`: the first whole window whose
 * edges are still retained at a granularity they fall on (a Berlin month
 * needs hours, a Kolkata day minutes), and no more than `maxWindows` windows
 * before `to`; the answer's `from` says where that was.
 */
export function resolveRange(input: RangeInput): ResolvedRange {
  const { windowSize: size, zone, nowMs, retentionStartMs } = input;
  const provisionalTo = input.toMs ?? ceilTo(nowMs + 1, granularityMs.day);
  const provisionalFrom = input.fromMs ?? ceilTo(retentionStartMs('day'), granularityMs.day);
  const offsets = zone.over(Math.min(provisionalFrom, provisionalTo) - offsetMarginMs, Math.max(provisionalFrom, provisionalTo) + offsetMarginMs);
  if (!size) return { fromMs: provisionalFrom, toMs: provisionalTo, offsets };

  const toMs = input.toMs ?? windowAt(offsets, size, nowMs).endMs;
  if (input.fromMs !== undefined) return { fromMs: input.fromMs, toMs, offsets };
  const earliest = windowStart(offsets, size, Math.max(0, toMs - (input.maxWindows - 2) * nominalWindowMs[size]));
  for (const granularity of ['day', 'hour', 'minute'] as const) {
    const fromMs = Math.max(firstWholeWindow(offsets, size, retentionStartMs(granularity)), earliest);
    if (fromMs % granularityMs[granularity] === 0) return { fromMs, toMs, offsets };
  }
  return { fromMs: Math.max(firstWholeWindow(offsets, size, retentionStartMs('minute')), earliest), toMs, offsets };
}

function firstWholeWindow(offsets: ZoneOffsets, size: WindowSize, ms: number): number {
  return windowStart(offsets, size, ms) === ms ? ms : windowAt(offsets, size, ms).endMs;
}

function windowAt(offsets: ZoneOffsets, size: WindowSize, ms: number) {
  const start = windowStart(offsets, size, ms);
  return zoneWindows(offsets, size, start, start + 1)[0]!;
}

function ceilTo(ms: number, unit: number): number {
  return Math.ceil(ms / unit) * unit;
}
