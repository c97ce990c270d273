import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { createRedisTokenStore } from '../core/auth/redis/redis-token-store.js';
import { createRequireScope } from '../core/auth/require-scope.js';
import { loadConfig } from '../core/config/config.js';
import { createEventValidator } from '../core/events/event-validator.js';
import { createHttpMetrics } from '../core/http/http-metrics.js';
import { createEventLog } from '../core/log/create-event-log.js';
import { createLogger } from '../services/compose/create-logger.js';
import { serveHttp } from '../services/compose/serve-http.js';
import { createApp } from '../services/http/create-app.js';
import { createOpsRoutes } from '../services/http/ops-routes.js';
import { createIngestRoutes } from '../services/ingest/ingest-routes.js';

/** The ingest deployable's wiring, for builds that have no CLI yet. */
const config = loadConfig();
const logger = createLogger({ level: config.logLevel });
const redis = new Redis(config.redisUrl ?? 'redis://127.0.0.1:6379');
const registry = new Registry();
const metrics = createHttpMetrics({ registry });
const tokens = createRedisTokenStore({ redis, prefix: config.redisPrefix });
if (config.adminToken) await tokens.ensure(config.adminToken, { id: 'bootstrap-admin', name: 'admin', scopes: ['admin'] });
const log = createEventLog({ config, redis, logger });
const app = createApp({
  logger,
  metrics,
  routers: [
    createOpsRoutes({ redis, log, registry, probeTimeoutMs: 500 }),
    createIngestRoutes({ log, validator: createEventValidator(), requireScope: createRequireScope({ tokens }), metrics, limits: config.limits, namespace: config.namespace }),
  ],
});
const server = await serveHttp({ app, port: config.port, host: config.host, graceMs: 1_000 });
process.once('SIGTERM', () => {
  void server.close().then(async () => {
    await log.close();
    redis.disconnect();
    process.exit(0);
  });
});
