import type { WindowSize } from '../api/types.js';

// Window boundaries in an IANA zone with Intl alone: the chart's x axis has a
// slot for every window, and query ranges start and end on window boundaries.

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const partFormatters = new Map<string, Intl.DateTimeFormat>();

function wallClock(ms: number, timeZone: string): Wall {
  let formatter = partFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    partFormatters.set(timeZone, formatter);
  }
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(ms)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute! };
}

function offsetAt(ms: number, timeZone: string): number {
  const wall = wallClock(ms, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  return asUtc - Math.floor(ms / 60_000) * 60_000;
}

/** The instant a wall-clock time happens in the zone (the later one across a DST gap). */
export function fromWall(wall: Wall, timeZone: string): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const first = asUtc - offsetAt(asUtc, timeZone);
  return asUtc - offsetAt(first, timeZone);
}

function truncate(wall: Wall, size: WindowSize): Wall {
  switch (size) {
    case 'MINUTE':
      return wall;
    case 'HOUR':
      return { ...wall, minute: 0 };
    case 'DAY':
      return { ...wall, hour: 0, minute: 0 };
    case 'MONTH':
      return { ...wall, day: 1, hour: 0, minute: 0 };
  }
}

/** Start of the window containing `ms`. */
export function windowStart(ms: number, size: WindowSize, timeZone: string): number {
  if (size === 'MINUTE') return Math.floor(ms / 60_000) * 60_000;
  return fromWall(truncate(wallClock(ms, timeZone), size), timeZone);
}

/** Start of the window after the one starting at `start`. */
export function nextWindow(start: number, size: WindowSize, timeZone: string): number {
  if (size === 'MINUTE') return start + 60_000;
  // Step past the window (DST days are 23-25 h) and truncate again.
  const step = { HOUR: 61 * 60_000, DAY: 26 * 3_600_000, MONTH: 32 * 86_400_000 }[size];
  return windowStart(start + step, size, timeZone);
}

/** `[from, to)` widened to whole windows. */
export function alignRange(from: number, to: number, size: WindowSize, timeZone: string): { from: number; to: number } {
  const start = windowStart(from, size, timeZone);
  const lastStart = windowStart(to - 1, size, timeZone);
  return { from: start, to: nextWindow(lastStart, size, timeZone) };
}

/** Every window start in `[from, to)`, or undefined beyond `max` windows. */
export function windowStarts(from: number, to: number, size: WindowSize, timeZone: string, max = 5_000): number[] | undefined {
  const starts: number[] = [];
  for (let t = windowStart(from, size, timeZone); t < to; t = nextWindow(t, size, timeZone)) {
    if (starts.length >= max) return undefined;
    starts.push(t);
  }
  return starts;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
