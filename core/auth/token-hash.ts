import { createHash, randomBytes } from 'node:crypto';

/** Tokens are stored and looked up only by this hash. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** 256 random bits; the prefix lets secret scanners recognize a leaked token. */
export function generateToken(): string {
  return `tly_${randomBytes(32).toString('base64url')}`;
}
