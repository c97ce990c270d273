import type { Principal, Scope } from './scope.js';

export const scopes: readonly Scope[] = ['ingest', 'read', 'admin'];

/** What the token admin API shows of a token: never the token or its hash. */
export interface TokenInfo {
  id: string;
  name: string;
  scopes: Scope[];
  createdAt: string;
  revokedAt?: string;
}

export interface CreatedToken {
  /** The plain token: returned once, at creation, never stored. */
  token: string;
  info: TokenInfo;
}

/** API tokens, kept only as SHA-256 hashes. */
export interface TokenStore {
  /** The principal of a live token, undefined for an unknown or revoked one. */
  authenticate(token: string): Promise<Principal | undefined>;
  create(request: { name: string; scopes: Scope[] }): Promise<CreatedToken>;
  list(): Promise<TokenInfo[]>;
  /** False when no token has this id. Takes effect for the next request of every process. */
  revoke(id: string): Promise<boolean>;
  /** Makes `token` a live token with this id (the bootstrap admin token), replacing the id's previous token. */
  ensure(token: string, info: { id: string; name: string; scopes: Scope[] }): Promise<void>;
}

/** `admin` includes the other scopes. */
export function grants(held: readonly Scope[], wanted: Scope): boolean {
  return held.includes(wanted) || held.includes('admin');
}
