import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { createRedisTokenStore } from '../../core/auth/redis/redis-token-store.js';
import { createTokenCache, revocationChannel } from '../../core/auth/redis/token-cache.js';
import { createRequireScope } from '../../core/auth/require-scope.js';
import type { TokenStore } from '../../core/auth/token-store.js';
import { loadConfig, type Config } from '../../core/config/config.js';
import { createEventValidator } from '../../core/events/event-validator.js';
import { createHttpMetrics } from '../../core/http/http-metrics.js';
import type { EventLog } from '../../core/log/event-log.js';
import { createTokenRoutes } from '../../services/api/token-routes.js';
import { createLogger } from '../../services/compose/create-logger.js';
import { serveHttp, type HttpServer } from '../../services/compose/serve-http.js';
import { createApp } from '../../services/http/create-app.js';
import { createOpsRoutes } from '../../services/http/ops-routes.js';
import { createIngestRoutes } from '../../services/ingest/ingest-routes.js';

/** The real app (ingest, tokens, ops) on a real port, over a real Redis and the given log. */
export interface IngestHarness {
  url: string;
  config: Config;
  tokens: TokenStore;
  registry: Registry;
  /** Every JSON log line the app wrote. */
  logLines: string[];
  adminToken: string;
  ingestToken: string;
  readToken: string;
  close(): Promise<void>;
}

let counter = 0;

export async function startIngestHarness({ redisUrl, log, env = {} }: { redisUrl: string; log: EventLog; env?: Record<string, string> }): Promise<IngestHarness> {
  const prefix = `t${process.pid}-${++counter}-${Date.now()}:`;
  const config = loadConfig({ REDIS_URL: redisUrl, TALLY_REDIS_PREFIX: prefix, ...env });
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level: 'info', destination });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const registry = new Registry();
  const metrics = createHttpMetrics({ registry });
  // The token cache production uses, so that "revoked -> 401 at once" is proven through it.
  const tokenCache = createTokenCache({ subscriber: redis.duplicate(), channel: revocationChannel(prefix), maxAgeMs: 60_000, maxEntries: 1_000 });
  const tokens = createRedisTokenStore({ redis, prefix, cache: tokenCache });
  const requireScope = createRequireScope({ tokens });
  const app = createApp({
    logger,
    metrics,
    routers: [
      createOpsRoutes({ redis, log, registry, probeTimeoutMs: 500 }),
      createIngestRoutes({ log, validator: createEventValidator(), requireScope, metrics, limits: config.limits, namespace: config.namespace }),
      createTokenRoutes({ tokens, requireScope, limits: config.limits }),
    ],
  });
  const server: HttpServer = await serveHttp({ app, port: 0, host: '127.0.0.1', graceMs: 1_000 });
  const adminToken = `tly_admin-${process.pid}-${counter}`;
  await tokens.ensure(adminToken, { id: 'bootstrap-admin', name: 'admin', scopes: ['admin'] });
  const ingestToken = (await tokens.create({ name: 'gateway', scopes: ['ingest'] })).token;
  const readToken = (await tokens.create({ name: 'billing', scopes: ['read'] })).token;
  return {
    url: `http://127.0.0.1:${server.port}`,
    config,
    tokens,
    registry,
    logLines,
    adminToken,
    ingestToken,
    readToken,
    async close() {
      await server.close();
      tokenCache.close();
      redis.disconnect();
    },
  };
}

export const ingestPaths = ['/api/v1/events', '/v3/openmeter/events', '/api/v3/openmeter/events'] as const;

export function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: `evt-${Math.random().toString(36).slice(2)}`,
    source: 'gateway-1',
    type: 'kong.api_request',
    subject: 'customer-1',
    time: '2026-05-01T12:00:00.123Z',
    data: { request_method: 'GET', response_http_status: 200 },
    ...overrides,
  };
}

export function post(
  url: string,
  body: unknown,
  { token, contentType = 'application/cloudevents-batch+json', headers = {} }: { token?: string; contentType?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      ...(contentType ? { 'content-type': contentType } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: typeof body === 'string' ? body : body instanceof Buffer ? new Blob([body]) : JSON.stringify(body),
  });
}
