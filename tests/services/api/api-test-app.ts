import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { createRedisTokenStore } from '../../../core/auth/redis/redis-token-store.js';
import { createRequireScope } from '../../../core/auth/require-scope.js';
import { loadConfig } from '../../../core/config/config.js';
import { createRedisCustomerStore } from '../../../core/customers/redis/redis-customer-store.js';
import { createHttpMetrics } from '../../../core/http/http-metrics.js';
import { createRedisMeterRegistry } from '../../../core/meters/redis/redis-meter-registry.js';
import { createCustomerRoutes } from '../../../services/api/customer-routes.js';
import { createMeterRoutes } from '../../../services/api/meter-routes.js';
import { createLogger } from '../../../services/compose/create-logger.js';
import { useAppOnRedis } from '../../support/redis-server.js';
import { serveHttp } from '../../../services/compose/serve-http.js';
import { createApp } from '../../../services/http/create-app.js';

export interface ApiResponse {
  status: number;
  contentType: string | null;
  body: unknown;
}

/** `token: null` sends no Authorization header; the default is the admin token. */
export type Call = (method: string, path: string, options?: { token?: string | null; body?: unknown }) => Promise<ApiResponse>;

/** The real app with the meter and customer routes, real token auth, on a real port and Redis. */
export async function startApiTestApp(redisUrl: string) {
  const prefix = `api${process.pid}-${Date.now()}:`;
  const config = loadConfig({ REDIS_URL: redisUrl, TALLY_REDIS_PREFIX: prefix });
  const redis = new Redis(redisUrl);
  const tokens = createRedisTokenStore({ redis, prefix });
  const requireScope = createRequireScope({ tokens });
  const claims: [string, string[]][] = [];
  const meters = createRedisMeterRegistry({ redis, prefix });
  const customers = createRedisCustomerStore({ redis, prefix, onSubjectsClaimed: async (id, subjects) => void claims.push([id, [...subjects]]) });
  const app = createApp({
    logger: createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) }),
    metrics: createHttpMetrics({ registry: new Registry() }),
    routers: [createMeterRoutes({ meters, requireScope, limits: config.limits }), createCustomerRoutes({ customers, requireScope, limits: config.limits })],
  });
  const server = await serveHttp({ app, port: 0, host: '127.0.0.1', graceMs: 500 });
  const adminToken = `admin-${process.pid}-${Date.now()}`;
  await tokens.ensure(adminToken, { id: 'bootstrap-admin', name: 'admin', scopes: ['admin'] });
  const readToken = (await tokens.create({ name: 'billing', scopes: ['read'] })).token;
  const ingestToken = (await tokens.create({ name: 'gateway', scopes: ['ingest'] })).token;

  const call: Call = async (method, path, { token = adminToken, body } = {}) => {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type'), body: text === '' ? undefined : JSON.parse(text) };
  };

  return {
    call,
    claims,
    adminToken,
    readToken,
    ingestToken,
    async close() {
      await server.close();
      redis.disconnect();
    },
  };
}

/** Every route must refuse a missing token (401), and a token without the scope (403). */
export async function assertSecured(call: Call, method: string, path: string, allowed: 'read' | 'admin', tokens: { readToken: string; ingestToken: string }, body?: unknown) {
  const results = [await call(method, path, { token: null, body }), await call(method, path, { token: tokens.ingestToken, body })];
  if (allowed === 'admin') results.push(await call(method, path, { token: tokens.readToken, body }));
  return results.map((r) => r.status);
}

export type ApiTestApp = Awaited<ReturnType<typeof startApiTestApp>>;

/** One Redis and one app for a test file, started before its tests and stopped after them. */
export function useApiTestApp(): () => ApiTestApp {
  return useAppOnRedis('API test app', startApiTestApp);
}
