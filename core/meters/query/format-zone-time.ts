import type { ZoneOffsets } from './zone-offsets.js';

const DAY_MS = 86_400_000;

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

/** `HH:MM:00` for every minute of a day, so that minute-aligned instants (every window bound) need no padding. */
const MINUTE_TEXT = Array.from({ length: 1440 }, (_, minute) => `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}:00`);

/**
 * `formatZoneTime` for the many timestamps of one answer: the date part is
 * built once per local day and the offset text once per offset, the time of
 * day looked up by minute (a 720-window answer has 1,442 timestamps over 31
 * days), and the last two instants are kept: a window's end is the next
 * one's start, and the rows of one window (one per group) alternate between
 * the same two bounds.
 */
export function createZoneTimeFormatter(offsets: ZoneOffsets): (utcMs: number) => string {
  let day = Number.NaN;
  let datePrefix = '';
  let offset = Number.NaN;
  let offsetText = '';
  let lastMs = Number.NaN;
  let lastText = '';
  let previousMs = Number.NaN;
  let previousText = '';
  return (utcMs) => {
    if (utcMs === lastMs) return lastText;
    if (utcMs === previousMs) return previousText;
    if (utcMs % 1000 !== 0) return formatZoneTime(offsets, utcMs);
    const offsetMs = offsets.offsetAt(utcMs);
    const local = utcMs + offsetMs;
    const localDay = Math.floor(local / DAY_MS);
    if (localDay !== day) {
      const prefix = datePrefixOf(localDay);
      // Years beyond 0-9999 render as ±YYYYYY: rare enough to take the plain path.
      if (prefix === undefined) return formatZoneTime(offsets, utcMs);
      day = localDay;
      datePrefix = prefix;
    }
    if (offsetMs !== offset) {
      offset = offsetMs;
      offsetText = formatOffset(offsetMs);
    }
    const seconds = Math.floor((local - localDay * DAY_MS) / 1000);
    const timeOfDay = seconds % 60 === 0 ? MINUTE_TEXT[seconds / 60]! : `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
    previousMs = lastMs;
    previousText = lastText;
    lastMs = utcMs;
    lastText = datePrefix + timeOfDay + offsetText;
    return lastText;
  };
}

/**
 * `YYYY-MM-DDT` of a day counted from 1970-01-01, by arithmetic (the
 * proleptic Gregorian calendar, as `Date` uses): several times cheaper than
 * `toISOString`. Undefined outside years 0-9999.
 */
function datePrefixOf(epochDay: number): string | undefined {
  // Days from 0000-03-01, in 400-year eras; months counted from March so that leap days come last.
  const shifted = epochDay + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const dayOfMonth = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) return undefined;
  return `${year < 1000 ? String(year).padStart(4, '0') : year}-${pad(month)}-${pad(dayOfMonth)}T`;
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
