/**
 * The dedupe field of an event: a 53-bit hash of (namespace, source, id)
 * in base 36 (at most 11 characters). Fields only need to be distinct within
 * one customer-hour hash, where even 100,000 events collide with
 * probability ~5e-7; a non-cryptographic hash costs a tenth of SHA-1 here.
 * (cyrb53: two 32-bit multiply-xorshift lanes.) The markers already stored
 * hold exactly these strings: the hash and its text must never change.
 */
export function eventField(namespace: string, source: string, id: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let part = 0; part < 3; part++) {
    const text = part === 0 ? namespace : part === 1 ? source : id;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    // A separator that cannot occur as a UTF-16 unit keeps ("ab","c") apart from ("a","bc").
    h1 = Math.imul(h1 ^ 0x1ffff, 2654435761);
    h2 = Math.imul(h2 ^ 0x1ffff, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return base36(4294967296 * (2097151 & h2) + (h1 >>> 0));
}

/** 36^5: below it a number is a small integer, which V8 prints in base 36 quickly. */
const LOW = 60_466_176;

/**
 * `n.toString(36)` for an integer 0 <= n < 2^53, in a fraction of the time
 * (V8 converts a large double through its generic double-to-radix path; a
 * small integer takes a fast one): printed as two small halves. n / 36^5
 * may round up to the next integer, so the low half is corrected.
 */
export function base36(n: number): string {
  if (n < LOW) return n.toString(36);
  let high = Math.floor(n / LOW);
  let low = n - high * LOW;
  if (low < 0) {
    high -= 1;
    low += LOW;
  }
  return high.toString(36) + low.toString(36).padStart(5, '0');
}
