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

/** Parses HGETALL's flat reply `[name, value, name, value, ...]`; names other than `<digits>[n|t]` are ignored. */
export function parseBucketHash(granularity: Granularity, flat: readonly string[]): BucketHash {
  const slots = SLOTS[granularity];
  const first = FIRST_FIELD[granularity];
  const hash: BucketHash = { main: new Float64Array(slots).fill(Number.NaN), count: new Float64Array(slots), time: new Float64Array(slots).fill(Number.NaN) };
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = flat[i]!;
    let field = 0;
    let at = 0;
    for (; at < name.length; at++) {
      const code = name.charCodeAt(at);
      if (code < ZERO || code > NINE) break;
      field = field * 10 + (code - ZERO);
    }
    const slot = field - first;
    if (at === 0 || slot < 0 || slot >= slots) continue;
    if (at === name.length) hash.main[slot] = Number(flat[i + 1]);
    else if (at + 1 !== name.length) continue;
    else if (name[at] === 'n') hash.count[slot] = Number(flat[i + 1]);
    else if (name[at] === 't') hash.time[slot] = Number(flat[i + 1]);
    else continue;
    // A sub-field makes its bucket present even before its main field is seen (the main field then overwrites 0).
    if (at !== name.length && Number.isNaN(hash.main[slot]!)) hash.main[slot] = 0;
  }
  return hash;
}
