import Router from '@koa/router';
import type { RequireScope, Scope } from '../../core/auth/scope.js';
import { scopes as knownScopes, type TokenStore } from '../../core/auth/token-store.js';
import { readJson, type JsonBodyLimits } from '../../core/http/read-json.js';
import { TallyError } from '../../core/http/tally-error.js';

export interface TokenRoutesDeps {
  tokens: TokenStore;
  requireScope: RequireScope;
  limits: JsonBodyLimits;
}

/**
 * Token admin API (scope `admin`):
 * POST /api/v1/tokens {name, scopes} -> 201 with the plain token (shown once);
 * GET /api/v1/tokens -> {items} without tokens; DELETE /api/v1/tokens/:id -> 204.
 */
export function createTokenRoutes({ tokens, requireScope, limits }: TokenRoutesDeps): Router {
  const router = new Router({ prefix: '/api/v1/tokens' });
  router.use(requireScope('admin'));
  router.post('/', async (ctx) => {
    const created = await tokens.create(parseCreateRequest(await readJson(ctx, limits)));
    ctx.status = 201;
    ctx.body = { ...created.info, token: created.token };
  });
  router.get('/', async (ctx) => {
    ctx.body = { items: await tokens.list() };
  });
  router.delete('/:id', async (ctx) => {
    if (!(await tokens.revoke(ctx.params.id ?? ''))) throw new TallyError('NOT_FOUND', `no token with id "${ctx.params.id}"`);
    ctx.body = null;
  });
  return router;
}

function parseCreateRequest(body: unknown): { name: string; scopes: Scope[] } {
  const problems: string[] = [];
  const { name, scopes } = (body ?? {}) as { name?: unknown; scopes?: unknown };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) problems.push('body must be a JSON object');
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200) problems.push('name: a non-empty string of at most 200 characters');
  const validScopes =
    Array.isArray(scopes) && scopes.length > 0 && scopes.every((s) => (knownScopes as readonly unknown[]).includes(s));
  if (!validScopes) problems.push(`scopes: a non-empty array of ${knownScopes.join(', ')}`);
  if (problems.length > 0) throw new TallyError('BAD_REQUEST', `invalid token request: ${problems.join('; ')}`);
  return { name: (name as string).trim(), scopes: [...new Set(scopes as Scope[])] };
}
