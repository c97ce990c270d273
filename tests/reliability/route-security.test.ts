import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type Router from '@koa/router';
import { Redis } from 'ioredis';
import type { Scope } from '../../core/auth/scope.js';
import { loadConfig } from '../../core/config/config.js';
import { createLogger } from '../../services/compose/create-logger.js';
import { allRouters } from '../../services/compose/create-routers.js';
import { createRuntime, type Runtime } from '../../services/compose/create-runtime.js';
import { serveHttp, type HttpServer } from '../../services/compose/serve-http.js';
import { createApp } from '../../services/http/create-app.js';
import { rawRequest } from '../support/raw-request.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { createReliabilitySummary } from '../support/reliability-summary.js';

const summary = createReliabilitySummary('route-security');

/** Routes anyone may call, listed on purpose: every other route must demand a token. */
const publicRoutes = new Set(['GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /console', 'GET /console/{*path}']);
const ingestPaths = new Set(['/api/v1/events', '/v3/openmeter/events', '/api/v3/openmeter/events']);

/** The scope policy of the API: writes and tokens need admin, reads need read, event ingest needs ingest. */
function requiredScope(method: string, path: string): Scope | 'public' {
  if (publicRoutes.has(`${method} ${path}`)) return 'public';
  if (method === 'POST' && ingestPaths.has(path)) return 'ingest';
  if (path.startsWith('/api/v1/tokens')) return 'admin';
  if (method === 'GET' || (method === 'POST' && path.endsWith('/query'))) return 'read';
  return 'admin';
}

interface Route {
  method: string;
  path: string;
}

/** Every route the routers declare (HEAD mirrors GET and is left out). */
function routesOf(routers: readonly Router[]): Route[] {
  return routers.flatMap((router) =>
    router.stack.flatMap((layer) => layer.methods.filter((m) => m !== 'HEAD').map((method) => ({ method, path: String(layer.path) }))),
  );
}

const concrete = (path: string) => path.replace(/:(\w+)/g, 'sample-$1').replace(/\{\*(\w+)\}/g, 'sample-$1');

describe('security of every route of the app', () => {
  let redis: TestRedis;
  let runtime: Runtime;
  let server: HttpServer;
  let routes: Route[];
  const logLines: string[] = [];
  const secrets: string[] = [];
  const adminToken = `tly_bootstrap_${process.pid}_${Date.now()}_secret`;
  const tokens: Record<'ingest' | 'read' | 'admin' | 'revoked', string> = { ingest: '', read: '', admin: adminToken, revoked: '' };
  const prefix = `sec${process.pid}:`;

  before(async () => {
    redis = await startRedis();
    const config = loadConfig({ REDIS_URL: redis.url, TALLY_REDIS_PREFIX: prefix, TALLY_ADMIN_TOKEN: adminToken, LOG_LEVEL: 'debug' });
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const logger = createLogger({ level: 'debug', destination });
    runtime = await createRuntime({ config, logger });
    const routers = allRouters(runtime);
    routes = routesOf(routers);
    server = await serveHttp({ app: createApp({ logger, metrics: runtime.metrics, routers }), port: 0, host: '127.0.0.1', graceMs: 500 });
    tokens.ingest = (await runtime.tokens.create({ name: 'gateway', scopes: ['ingest'] })).token;
    tokens.read = (await runtime.tokens.create({ name: 'billing', scopes: ['read'] })).token;
    const revoked = await runtime.tokens.create({ name: 'old', scopes: ['admin'] });
    await runtime.tokens.revoke(revoked.info.id);
    tokens.revoked = revoked.token;
    secrets.push(...Object.values(tokens));
  });
  after(async () => {
    summary.write();
    await server.close();
    await runtime.close();
    await redis.stop();
  });

  /** Over a raw socket, so that a repeated Authorization header really is sent twice. */
  const call = async ({ method, path }: Route, authorization: string | string[] | undefined) => {
    const hasBody = method !== 'GET' && method !== 'DELETE';
    const res = await rawRequest(`http://127.0.0.1:${server.port}${concrete(path)}`, {
      method,
      headers: { ...(authorization ? { authorization } : {}), ...(hasBody ? { 'content-type': 'application/json' } : {}) },
      ...(hasBody ? { body: '{}' } : {}),
    });
    for (const header of ['x-powered-by', 'server']) assert.equal(res.headers[header], undefined, `${method} ${path}: ${header} header`);
    const get = (name: string) => {
      const value = res.headers[name];
      return Array.isArray(value) ? value.join(', ') : (value ?? null);
    };
    return { status: res.status, headers: { get }, text: res.text };
  };

  test('the app has routes, and every route is either listed as public or has a scope in the policy', () => {
    assert.ok(routes.length >= 15, `only ${routes.length} routes found`);
    for (const route of routes) assert.ok(requiredScope(route.method, route.path), `${route.method} ${route.path}`);
  });

  test('no, malformed, unknown or revoked token: 401 with WWW-Authenticate: Bearer on every protected route', () =>
    summary.track('security', 'every protected route refuses missing, malformed, unknown and revoked tokens (401)', async () => {
      const bad = [undefined, 'Bearer', `Bearer  ${tokens.admin}`, `bearer ${tokens.admin}`, [`Bearer ${tokens.admin}`, `Bearer ${tokens.admin}`], `Basic ${tokens.admin}`, 'Bearer tly_unknown', `Bearer ${tokens.revoked}`];
      let checks = 0;
      for (const route of routes.filter((r) => requiredScope(r.method, r.path) !== 'public')) {
        for (const authorization of bad) {
          const res = await call(route, authorization);
          assert.equal(res.status, 401, `${route.method} ${route.path} with ${String(authorization).slice(0, 12)}: ${res.text.slice(0, 120)}`);
          assert.equal(res.headers.get('www-authenticate'), 'Bearer', `${route.method} ${route.path}: WWW-Authenticate`);
          assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
          assert.equal(res.headers.get('cache-control'), 'no-store', `${route.method} ${route.path}: Cache-Control`);
          checks++;
        }
      }
      return { routes: routes.length, checks };
    }));

  test('a token without the scope gets 403; tokens with it pass authorization; admin passes everywhere', () =>
    summary.track('security', 'scopes enforced on every route (403 without the scope, admin routes need admin)', async () => {
      let checks = 0;
      for (const route of routes) {
        const scope = requiredScope(route.method, route.path);
        if (scope === 'public') continue;
        for (const held of ['ingest', 'read', 'admin'] as const) {
          const res = await call(route, `Bearer ${tokens[held]}`);
          const allowed = held === 'admin' || held === scope;
          const where = `${route.method} ${route.path} with a ${held} token (${res.text.slice(0, 120)})`;
          if (allowed) assert.ok(res.status !== 401 && res.status !== 403 && res.status < 500, where);
          else assert.equal(res.status, 403, where);
          assert.equal(res.headers.get('cache-control'), 'no-store', `${where}: Cache-Control`);
          checks++;
        }
      }
      return { checks };
    }));

  test('public routes answer without a token', async () => {
    for (const route of routes.filter((r) => requiredScope(r.method, r.path) === 'public')) {
      const res = await call(route, undefined);
      assert.ok(res.status !== 401 && res.status !== 403 && res.status < 500, `${route.method} ${route.path}: ${res.status}`);
    }
  });

  test('tokens are stored only as hashes: no plain token anywhere in Redis', () =>
    summary.track('security', 'no plain token in Redis (keys and values scanned)', async () => {
      const client = new Redis(redis.url);
      let scanned = 0;
      try {
        for await (const keys of client.scanStream({ count: 500 }) as AsyncIterable<string[]>) {
          for (const key of keys) {
            const dump = `${key} ${await dumpKey(client, key)}`;
            for (const secret of secrets) assert.ok(!dump.includes(secret), `a plain token is stored under ${key}`);
            scanned++;
          }
        }
      } finally {
        client.disconnect();
      }
      assert.ok(scanned > 0, 'there were keys to scan');
      return { keysScanned: scanned };
    }));

  test('no token or Authorization value appears in the logs', () =>
    summary.track('security', 'no token or Authorization value in the logs', async () => {
      assert.ok(logLines.length > 0, 'the suite produced log lines');
      for (const line of logLines) {
        for (const secret of secrets) assert.ok(!line.includes(secret), `a token appears in a log line: ${line.slice(0, 200)}`);
        assert.doesNotMatch(line, /(Bearer|Basic) [A-Za-z0-9\-._~+/]/, 'an Authorization value appears in a log line');
      }
      return { logLines: logLines.length };
    }));
});

async function dumpKey(client: Redis, key: string): Promise<string> {
  const type = await client.type(key);
  if (type === 'string') return (await client.getBuffer(key))?.toString('latin1') ?? '';
  if (type === 'hash') return JSON.stringify(await client.hgetall(key));
  if (type === 'list') return JSON.stringify(await client.lrange(key, 0, -1));
  if (type === 'set') return JSON.stringify(await client.smembers(key));
  if (type === 'zset') return JSON.stringify(await client.zrange(key, 0, -1));
  if (type === 'stream') return JSON.stringify(await client.xrange(key, '-', '+'));
  return type;
}
