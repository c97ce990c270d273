import type { ZoneOffsets } from './zone-offsets.js';

/**
 * RFC 3339 with the zone's offset at that instant: `2026-05-01T00:00:00+05:30`,
 * or `Z` when the offset is zero (OpenMeter's rendering). Milliseconds only when
 * there are any.
 */
export function formatZoneTime(offsets: ZoneOffsets, utcMs: number): string {
  const offset = offsets.offsetAt(utcMs);
  const iso = new Date(utcMs + offset).toISOString();
  const wall = utcMs % 1000 === 0 ? iso.slice(0, 19) : iso.slice(0, 23);
  return wall + formatOffset(offset);
}

export function formatOffset(offsetMs: number): string {
  if (offsetMs === 0) return 'Z';
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  return `${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
