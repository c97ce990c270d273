import * as crypto from 'node:crypto';

// The one-shot form (Node ≥ 20.12) costs well under half of createHash's object, update and digest; a token is hashed on every request.
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** Tokens are stored and looked up only by this hash. */
export function hashToken(token: string): string {
  return sha256Hex(token);
}

/** 256 random bits; the prefix lets secret scanners recognize a leaked token. */
export function generateToken(): string {
  return `tly_${crypto.randomBytes(32).toString('base64url')}`;
}
