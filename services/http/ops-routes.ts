import Router from '@koa/router';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { TallyError } from '../../core/http/tally-error.js';
import type { EventLog } from '../../core/log/event-log.js';

export interface OpsRoutesDeps {
  redis: Redis;
  log: EventLog;
  registry: Registry;
  probeTimeoutMs?: number;
}

/** GET /healthz (process up), /readyz (Redis and the log reachable), /metrics (Prometheus). Unauthenticated. */
export function createOpsRoutes({ redis, log, registry, probeTimeoutMs = 1_000 }: OpsRoutesDeps): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const [redisUp, logUp] = await Promise.all([
      probe(async () => (await redis.ping()) === 'PONG', probeTimeoutMs),
      probe(() => log.isReachable(), probeTimeoutMs),
    ]);
    const down = [redisUp ? undefined : 'redis', logUp ? undefined : 'log'].filter(Boolean);
    if (down.length > 0) throw new TallyError('UNAVAILABLE', `not ready: ${down.join(' and ')} unreachable`);
    ctx.body = { status: 'ready' };
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  });
  return router;
}

async function probe(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([check().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
