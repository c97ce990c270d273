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
  /** AVG's event count ("<field>n"); zeros shared by every hash without counts: read it, never write it. */
  count: Float64Array;
  /** LATEST's event time ("<field>t"): NaN where absent, shared like `count` when the hash has no times. */
  time: Float64Array;
}

export const SLOTS: Record<Granularity, number> = { minute: 60, hour: 24, day: 31 };

/** Day fields are days of the month (1-31); minute and hour fields start at 0. */
const FIRST_FIELD: Record<Granularity, number> = { minute: 0, hour: 0, day: 1 };

/**
 * What a hash without AVG counts or LATEST times holds there (every meter
 * but AVG and LATEST): shared and never written, a parse allocates its own
 * arrays only when such a field appears.
 */
const NO_COUNTS: Record<Granularity, Float64Array> = { minute: new Float64Array(60), hour: new Float64Array(24), day: new Float64Array(31) };
const NO_TIMES: Record<Granularity, Float64Array> = {
  minute: new Float64Array(60).fill(Number.NaN),
  hour: new Float64Array(24).fill(Number.NaN),
  day: new Float64Array(31).fill(Number.NaN),
};

const ZERO = 48;
const NINE = 57;
const NEWLINE = 10;
const MINUS = 45;
const N = 110;
const T = 116;
/** Up to 15 digits an integer read digit by digit is exact (below 2^53). */
const EXACT_DIGITS = 15;

/**
 * Parses a hash as the read script sends it: HGETALL's `name, value, ...`
 * joined with newlines into one string (one reply string per hash instead of
 * two per field). Names other than `<digits>[n|t]` are ignored. One pass
 * over the characters: names and integer values (nearly all of them) are
 * read digit by digit, anything else as `Number` reads it.
 */
export function parseBucketHash(granularity: Granularity, text: string): BucketHash {
  const slots = SLOTS[granularity];
  const first = FIRST_FIELD[granularity];
  const hash: BucketHash = { main: new Float64Array(slots).fill(Number.NaN), count: NO_COUNTS[granularity], time: NO_TIMES[granularity] };
  const length = text.length;
  let at = 0;
  while (at < length) {
    let field = 0;
    let pos = at;
    let code = 0;
    for (; pos < length; pos++) {
      code = text.charCodeAt(pos);
      if (code < ZERO || code > NINE) break;
      field = field * 10 + (code - ZERO);
    }
    // Which array the value goes to: 0 main, 1 count ("n"), 2 time ("t"), -1 none.
    let target = -1;
    if (pos > at && pos < length) {
      if (code === NEWLINE) target = 0;
      else if ((code === N || code === T) && text.charCodeAt(pos + 1) === NEWLINE) target = code === N ? 1 : 2;
    }
    const nameEnd = target === 0 ? pos : target > 0 ? pos + 1 : text.indexOf('\n', pos);
    if (nameEnd < 0) break;
    // The value: digits (with a sign) read as they come, else the whole line through Number.
    let value = 0;
    let valueEnd = nameEnd + 1;
    const negative = valueEnd < length && text.charCodeAt(valueEnd) === MINUS;
    if (negative) valueEnd++;
    const digitsStart = valueEnd;
    for (; valueEnd < length; valueEnd++) {
      code = text.charCodeAt(valueEnd);
      if (code < ZERO || code > NINE) break;
      value = value * 10 + (code - ZERO);
    }
    if (valueEnd < length && code !== NEWLINE) {
      valueEnd = text.indexOf('\n', valueEnd);
      if (valueEnd < 0) valueEnd = length;
      value = Number(text.slice(nameEnd + 1, valueEnd));
    } else if (valueEnd === digitsStart || valueEnd - digitsStart > EXACT_DIGITS) {
      value = Number(text.slice(nameEnd + 1, valueEnd));
    } else if (negative) {
      value = -value;
    }
    const slot = field - first;
    if (target >= 0 && slot >= 0 && slot < slots) {
      if (target === 0) hash.main[slot] = value;
      else if (target === 1) {
        if (hash.count === NO_COUNTS[granularity]) hash.count = new Float64Array(slots);
        hash.count[slot] = value;
      } else {
        if (hash.time === NO_TIMES[granularity]) hash.time = new Float64Array(slots).fill(Number.NaN);
        hash.time[slot] = value;
      }
      // A sub-field makes its bucket present even before its main field is seen (the main field then overwrites 0).
      if (target !== 0 && Number.isNaN(hash.main[slot]!)) hash.main[slot] = 0;
    }
    at = valueEnd + 1;
  }
  return hash;
}
