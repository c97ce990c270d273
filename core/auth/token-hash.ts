import * as crypto from 'node:crypto';

/**
 * Tokens are stored and looked up only by this hash. The one-shot form
 * (Node ≥ 20.12, as package.json requires) costs well under half of
 * createHash's object, update and digest; a token is hashed on every request.
 */
export function hashToken(token: string): string {
  return crypto.hash('sha256', token, 'hex');
}

/** 256 random bits; the prefix lets secret scanners recognize a leaked token. */
export function generateToken(): string {
  return `tly_${crypto.randomBytes(32).toString('base64url')}`;
}
