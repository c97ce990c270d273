import type { Middleware } from 'koa';

/** `admin` includes `read` and `ingest`. */
export type Scope = 'ingest' | 'read' | 'admin';

/** Who made the request; set on `ctx.state.principal` by the auth middleware. */
export interface Principal {
  tokenId: string;
  scopes: Scope[];
}

/**
 * Builds the middleware guarding a route: 401 (with `WWW-Authenticate:
 * Bearer`) for a missing, malformed, unknown or revoked token, 403 for a
 * known token without the scope. Route factories receive it in their deps.
 */
export type RequireScope = (scope: Scope) => Middleware;
