/**
 * Number parsing as Go's `strconv.ParseFloat(s, 64)` does it, because
 * OpenMeter decides with it whether a meter value counts: decimal with an
 * optional sign and exponent, or `inf`/`infinity`/`nan` in any case. No
 * surrounding whitespace, no empty string. (Go's hex floats and underscore
 * separators are not accepted; no gateway sends them.)
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

/** The parsed number (possibly NaN or ±Infinity), or undefined when Go would refuse the string. */
export function parseFloat64(text: string): number | undefined {
  if (DECIMAL.test(text)) {
    const value = Number(text);
    // Go reports out-of-range literals ("1e400") as a parse error, not as infinity.
    return Number.isFinite(value) ? value : undefined;
  }
  const special = SPECIAL.exec(text);
  if (!special) return undefined;
  if (special[2]?.toLowerCase() === 'nan') return Number.NaN;
  return special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}
