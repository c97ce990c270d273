const minuteMs = 60_000;
const dayMs = 86_400_000;
/** Offset changes (DST, zone reforms) are months apart; sampling weekly cannot step over two of them. */
const sampleStepMs = 7 * dayMs;
/** Longer than any retention (plus a month either side): queries beyond it have no data to label. */
const maxTableSpanMs = 7 * 366 * dayMs;
/** Tables kept per zone (each a few hundred entries at most); then they are rebuilt as needed. */
const maxTablesPerZone = 16;

/** A zone's UTC offset as a function of the instant. */
export interface ZoneOffsets {
  readonly zone: string;
  /** Local wall time minus UTC, in ms, at `utcMs`. */
  offsetAt(utcMs: number): number;
}

/** Offsets of one zone, with the Intl formatter built once per zone. */
export interface ZoneOffsetSource {
  readonly zone: string;
  offsetAt(utcMs: number): number;
  /** Offsets with a piecewise-constant table over `[fromMs, toMs]`: cheap lookups for many windows. */
  over(fromMs: number, toMs: number): ZoneOffsets;
}

const utc: ZoneOffsetSource = {
  zone: 'UTC',
  offsetAt: () => 0,
  over: () => ({ zone: 'UTC', offsetAt: () => 0 }),
};

/** IANA zone name -> its offsets; undefined for a zone Intl does not know. */
export type ZoneOffsetCache = (zone: string) => ZoneOffsetSource | undefined;

/**
 * Offset sources per IANA zone, using Intl only. Formatters are costly to
 * build, so each zone's is built once and kept. Returns undefined for a zone
 * Intl does not know.
 */
export function createZoneOffsetCache(): ZoneOffsetCache {
  const sources = new Map<string, ZoneOffsetSource>();
  return (zone) => {
    if (zone === 'UTC' || zone === 'Etc/UTC') return utc;
    let source = sources.get(zone);
    if (!source) {
      const formatter = formatterFor(zone);
      if (!formatter) return undefined;
      source = createSource(formatter.resolvedOptions().timeZone, formatter);
      if (source.zone === 'UTC') source = utc;
      sources.set(zone, source);
    }
    return source;
  };
}

function formatterFor(zone: string): Intl.DateTimeFormat | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return undefined;
  }
}

function yearStart(ms: number, plusYears: number): number {
  return Date.UTC(new Date(ms).getUTCFullYear() + plusYears, 0, 1);
}

function createSource(zone: string, formatter: Intl.DateTimeFormat): ZoneOffsetSource {
  const tables = new Map<string, (utcMs: number) => number>();
  const offsetAt = (utcMs: number): number => {
    const whole = Math.floor(utcMs / 1000) * 1000;
    const parts: Record<string, number> = {};
    for (const part of formatter.formatToParts(whole)) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
    return wall - whole;
  };
  return {
    zone,
    offsetAt,
    over(fromMs, toMs) {
      // Whole UTC years, so that queries over similar ranges share one table; bounded so that an absurd
      // range costs no more than a few hundred samples. Outside the table, Intl answers directly.
      const startMs = yearStart(fromMs, 0);
      const endMs = yearStart(Math.min(toMs, fromMs + maxTableSpanMs), 1);
      const key = `${startMs}:${endMs}`;
      let lookup = tables.get(key);
      if (!lookup) {
        if (tables.size >= maxTablesPerZone) tables.clear();
        lookup = tableLookup(buildTable(offsetAt, startMs, endMs));
        tables.set(key, lookup);
      }
      const table = lookup;
      return { zone, offsetAt: (utcMs) => (utcMs < startMs || utcMs > endMs ? offsetAt(utcMs) : table(utcMs)) };
    },
  };
}

interface Segment {
  startMs: number;
  offsetMs: number;
}

/** Samples weekly and bisects (to the minute) wherever the offset changed between samples. */
function buildTable(offsetAt: (utcMs: number) => number, fromMs: number, toMs: number): Segment[] {
  const table: Segment[] = [{ startMs: -Infinity, offsetMs: offsetAt(fromMs) }];
  let previous = fromMs;
  while (previous < toMs) {
    const next = Math.min(previous + sampleStepMs, toMs);
    const offset = offsetAt(next);
    if (offset !== table[table.length - 1]!.offsetMs) {
      let lo = previous;
      let hi = next;
      while (hi - lo > minuteMs) {
        const mid = Math.floor((lo + hi) / 2 / minuteMs) * minuteMs;
        if (mid <= lo) break;
        if (offsetAt(mid) === offset) hi = mid;
        else lo = mid;
      }
      table.push({ startMs: hi, offsetMs: offset });
    }
    previous = next;
  }
  return table;
}

function tableLookup(table: Segment[]): (utcMs: number) => number {
  if (table.length === 1) {
    const only = table[0]!.offsetMs;
    return () => only;
  }
  return (utcMs) => {
    let lo = 0;
    let hi = table.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (table[mid]!.startMs <= utcMs) lo = mid;
      else hi = mid - 1;
    }
    return table[lo]!.offsetMs;
  };
}
