import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { createRedisTokenStore } from '../../../../core/auth/redis/redis-token-store.js';
import { createRequireScope } from '../../../../core/auth/require-scope.js';
import { loadConfig } from '../../../../core/config/config.js';
import { createRedisCustomerStore } from '../../../../core/customers/redis/redis-customer-store.js';
import { createHttpMetrics } from '../../../../core/http/http-metrics.js';
import { createMeterQueryService } from '../../../../core/meters/query/create-meter-query-service.js';
import { createZoneOffsetCache } from '../../../../core/meters/query/zone-offsets.js';
import { createRedisMeterRegistry } from '../../../../core/meters/redis/redis-meter-registry.js';
import { createFeedRoutes } from '../../../../services/api/feed/feed-routes.js';
import { createMeterRoutes } from '../../../../services/api/meter-routes.js';
import { createMeterQueryRoutes } from '../../../../services/api/query/meter-query-routes.js';
import { createLogger } from '../../../../services/compose/create-logger.js';
import { serveHttp } from '../../../../services/compose/serve-http.js';
import { createApp } from '../../../../services/http/create-app.js';
import { createMemoryFeedStore } from '../../../support/memory-feed-store.js';
import { createMemoryMeterQueryStore } from '../../../support/memory-meter-query-store.js';
import { useAppOnRedis } from '../../../support/redis-server.js';

export interface ReadResponse {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

/**
 * The read routes over the real app, real token auth and meter registry
 * (Redis), with in-memory query and feed stores holding what a test puts in.
 */
export async function startReadTestApp(redisUrl: string, env: Record<string, string> = {}) {
  const prefix = `read${process.pid}-${Date.now()}:`;
  const config = loadConfig({ REDIS_URL: redisUrl, TALLY_REDIS_PREFIX: prefix, ...env });
  const redis = new Redis(redisUrl);
  const tokens = createRedisTokenStore({ redis, prefix });
  const requireScope = createRequireScope({ tokens });
  const meters = createRedisMeterRegistry({ redis, prefix });
  const customers = createRedisCustomerStore({ redis, prefix, onSubjectsClaimed: async () => {} });
  const store = createMemoryMeterQueryStore();
  const feed = createMemoryFeedStore();
  const queries = createMeterQueryService({ store, limits: config.query });
  const zones = createZoneOffsetCache();
  const app = createApp({
    logger: createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) }),
    metrics: createHttpMetrics({ registry: new Registry() }),
    routers: [
      createMeterRoutes({ meters, requireScope, limits: config.limits }),
      createMeterQueryRoutes({ meters, customers, queries, zones, requireScope, limits: config.limits }),
      createFeedRoutes({ feed, requireScope }),
    ],
  });
  const server = await serveHttp({ app, port: 0, host: '127.0.0.1', graceMs: 500 });
  const adminToken = `admin-${process.pid}-${Date.now()}`;
  await tokens.ensure(adminToken, { id: 'bootstrap-admin', name: 'admin', scopes: ['admin'] });
  const readToken = (await tokens.create({ name: 'billing', scopes: ['read'] })).token;
  const ingestToken = (await tokens.create({ name: 'gateway', scopes: ['ingest'] })).token;

  const call = async (method: string, path: string, options: { token?: string | null; body?: unknown; accept?: string } = {}): Promise<ReadResponse> => {
    const { token = readToken, body, accept } = options;
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (accept) headers.accept = accept;
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    const json = (response.headers.get('content-type') ?? '').includes('json') && text !== '';
    return { status: response.status, headers: response.headers, text, body: json ? JSON.parse(text) : undefined };
  };

  return {
    call,
    meters,
    customers,
    store,
    feed,
    adminToken,
    readToken,
    ingestToken,
    async close() {
      await server.close();
      redis.disconnect();
    },
  };
}

export type ReadTestApp = Awaited<ReturnType<typeof startReadTestApp>>;

/** One Redis and one app per test file. */
export function useReadTestApp(env: Record<string, string> = {}): () => ReadTestApp {
  return useAppOnRedis('read test app', (redisUrl) => startReadTestApp(redisUrl, env));
}
