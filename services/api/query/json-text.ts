/**
 * Pieces of JSON text for answers built as one string: a 720-window answer
 * written this way costs a fraction of building its objects and handing them
 * to `JSON.stringify`. Each returns exactly what `JSON.stringify` would.
 */

/** A number as JSON: `null` for NaN and the infinities, as `JSON.stringify` writes them. */
export function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/** A string as JSON; most dimension values need no escaping and skip `JSON.stringify`. */
export function jsonString(value: string): string {
  return plainText.test(value) ? `"${value}"` : JSON.stringify(value);
}

/** A record of strings (a plain object) as a JSON object, in its own key order, leaving out `skip`ped keys. */
export function jsonStringRecord(record: Readonly<Record<string, string>>, skip?: ReadonlySet<string>): string {
  let out = '';
  // for-in rather than Object.keys: no array per row; a plain object has no inherited enumerable keys.
  for (const key in record) {
    if (skip?.has(key)) continue;
    out += `${out === '' ? '{' : ','}${jsonString(key)}:${jsonString(record[key]!)}`;
  }
  return out === '' ? '{}' : `${out}}`;
}

/** Printable ASCII without `"` or `\`: written as is. */
const plainText = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
