import type { Context } from 'koa';
import { TallyError } from '../http/tally-error.js';
import type { Principal, RequireScope } from './scope.js';
import { grants, type TokenStore } from './token-store.js';

// Exactly `Bearer`, one space, an RFC 6750 b64token. The scheme is matched case-sensitively on purpose:
// clients differ from what we document only by mistake, and a strict parser leaves nothing to interpret.
const bearer = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;

/**
 * The `requireScope(scope)` every protected route takes. A missing,
 * malformed, unknown or revoked token is 401 (the error middleware adds
 * `WWW-Authenticate: Bearer`); a live token without the scope is 403.
 * Every request asks the token store, whose cache (if any) drops a revoked
 * token in every process at once, so revocation takes effect immediately.
 */
export function createRequireScope({ tokens }: { tokens: TokenStore }): RequireScope {
  return (scope) => async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    const principal = await authenticate(ctx, tokens);
    if (!grants(principal.scopes, scope)) {
      throw new TallyError('FORBIDDEN', `this token lacks the "${scope}" scope`);
    }
    ctx.state.principal = principal;
    await next();
  };
}

async function authenticate(ctx: Context, tokens: TokenStore): Promise<Principal> {
  // Node keeps only the first of repeated Authorization headers; which one a proxy or client meant is unknowable.
  if (authorizationCount(ctx.req.rawHeaders) > 1) throw new TallyError('UNAUTHENTICATED', 'malformed Authorization: the header is sent more than once');
  const header = ctx.req.headers.authorization ?? '';
  if (header === '') throw new TallyError('UNAUTHENTICATED', 'missing Authorization: Bearer <token> header');
  const token = bearer.exec(header)?.[1];
  if (token === undefined) {
    throw new TallyError('UNAUTHENTICATED', 'malformed Authorization header: expected "Bearer <token>" (scheme exactly "Bearer", one space, a token without whitespace)');
  }
  let principal: Principal | undefined;
  try {
    principal = await tokens.authenticate(token);
  } catch (error) {
    throw new TallyError('UNAVAILABLE', 'token store unavailable', { cause: error });
  }
  if (!principal) throw new TallyError('UNAUTHENTICATED', 'unknown or revoked token');
  return principal;
}

/** How often Authorization was sent; a scan of the raw header list allocates nothing, unlike `headersDistinct`. */
function authorizationCount(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 13 && name.toLowerCase() === 'authorization') count++;
  }
  return count;
}
