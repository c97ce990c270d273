import type { Granularity } from '../meter-query-store.js';

/**
 * One bucket hash (an hour of minutes, a UTC day of hours or a UTC month of
 * days) as dense arrays indexed by slot: minute 0-59, hour 0-23, day of the
 * month minus one. Parsed once per hash per query, so merging a window is a
 * loop over slot indexes with no string work.
 */
export interface BucketHash {
  /** The bucket's main field ("<field>"): NaN where the bucket has no data. */
  main: Float64Array;
  /** AVG's event count ("<field>n"). */
  count: Float64Array;
  /** LATEST's event time ("<field>t"): NaN where absent. */
  time: Float64Array;
}

export const SLOTS: Record<Granularity, number> = { minute: 60, hour: 24, day: 31 };

/** Day fields are days of the month (1-31); minute and hour fields start at 0. */
const FIRST_FIELD: Record<Granularity, number> = { minute: 0, hour: 0, day: 1 };

const ZERO = 48;
const NINE = 57;

/**
 * Parses a hash as the read script sends it: HGETALL's `name, value, ...`
 * joined with newlines into one string (one reply string per hash instead of
 * two per field). Names other than `<digits>[n|t]` are ignored.
 */
export function parseBucketHash(granularity: Granularity, text: string): BucketHash {
  const slots = SLOTS[granularity];
  const first = FIRST_FIELD[granularity];
  const hash: BucketHash = { main: new Float64Array(slots).fill(Number.NaN), count: new Float64Array(slots), time: new Float64Array(slots).fill(Number.NaN) };
  let at = 0;
  while (at < text.length) {
    const nameEnd = text.indexOf('\n', at);
    if (nameEnd < 0) break;
    let valueEnd = text.indexOf('\n', nameEnd + 1);
    if (valueEnd < 0) valueEnd = text.length;
    let field = 0;
    let digitsEnd = at;
    for (; digitsEnd < nameEnd; digitsEnd++) {
      const code = text.charCodeAt(digitsEnd);
      if (code < ZERO || code > NINE) break;
      field = field * 10 + (code - ZERO);
    }
    const slot = field - first;
    const suffix = nameEnd - digitsEnd === 1 ? text[digitsEnd] : undefined;
    if (digitsEnd > at && slot >= 0 && slot < slots && (digitsEnd === nameEnd || suffix === 'n' || suffix === 't')) {
      const value = Number(text.slice(nameEnd + 1, valueEnd));
      if (digitsEnd === nameEnd) hash.main[slot] = value;
      else if (suffix === 'n') hash.count[slot] = value;
      else hash.time[slot] = value;
      // A sub-field makes its bucket present even before its main field is seen (the main field then overwrites 0).
      if (digitsEnd !== nameEnd && Number.isNaN(hash.main[slot]!)) hash.main[slot] = 0;
    }
    at = valueEnd + 1;
  }
  return hash;
}
