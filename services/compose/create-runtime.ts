import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createRedisTokenStore } from '../../core/auth/redis/redis-token-store.js';
import { createTokenCache, revocationChannel } from '../../core/auth/redis/token-cache.js';
import { createRequireScope } from '../../core/auth/require-scope.js';
import type { RequireScope } from '../../core/auth/scope.js';
import type { TokenStore } from '../../core/auth/token-store.js';
import type { Config } from '../../core/config/config.js';
import type { CustomerStore } from '../../core/customers/customer-store.js';
import { createRedisCustomerStore } from '../../core/customers/redis/redis-customer-store.js';
import type { SubjectsClaimedHook } from '../../core/customers/subject-resolver.js';
import { createEventValidator, type EventValidator } from '../../core/events/event-validator.js';
import { createHttpMetrics, type HttpMetrics } from '../../core/http/http-metrics.js';
import { createEventLog } from '../../core/log/create-event-log.js';
import type { EventLog } from '../../core/log/event-log.js';
import type { FeedStore } from '../../core/feed/feed-record.js';
import { createRedisFeedStore } from '../../core/feed/redis/redis-feed-store.js';
import type { MeterRegistry } from '../../core/meters/meter-registry.js';
import { createMeterQueryService } from '../../core/meters/query/create-meter-query-service.js';
import type { MeterQueryService } from '../../core/meters/query/meter-query.js';
import { createZoneOffsetCache, type ZoneOffsetCache } from '../../core/meters/query/zone-offsets.js';
import { createRedisMeterStore } from '../../core/meters/redis/redis-meter-store.js';
import { createRedisMeterRegistry } from '../../core/meters/redis/redis-meter-registry.js';
import { applyStartupState } from './apply-startup-state.js';
import { createRedisClient, waitForRedis } from './create-redis-client.js';

/** The clients a subjects-claimed hook may be built from (everything but the customer store itself). */
export interface RuntimeClients {
  config: Config;
  logger: Logger;
  redis: Redis;
  log: EventLog;
  registry: Registry;
  meters: MeterRegistry;
}

/** Every client of a process, built once by `createRuntime` and passed down. */
export interface Runtime extends RuntimeClients {
  metrics: HttpMetrics;
  tokens: TokenStore;
  requireScope: RequireScope;
  validator: EventValidator;
  customers: CustomerStore;
  /** Meter queries over the worker's buckets. */
  queries: MeterQueryService;
  /** IANA zone -> offsets, one Intl formatter per zone for the life of the process. */
  zones: ZoneOffsetCache;
  /** The events feed the worker writes. */
  feed: FeedStore;
  /** Flushes the producer, then closes the log and Redis, in that order. Idempotent. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  config: Config;
  logger: Logger;
  /**
   * Extension point: builds the customer store's SubjectsClaimedHook. The
   * worker part supplies the parked-event replay here; the default is
   * `noParkedEventReplay`, for processes without parked events to replay.
   */
  createSubjectsClaimedHook?: (clients: RuntimeClients) => SubjectsClaimedHook;
}

/** The hook of a process that has no parked events to replay. */
export const noParkedEventReplay: SubjectsClaimedHook = async () => {};

/** How long a start waits for Redis to accept connections. */
const redisStartWaitMs = 10_000;

/** The CLI's Redis when REDIS_URL is unset (`make run` always sets it). */
export const defaultRedisUrl = 'redis://127.0.0.1:6379';

/**
 * The composition root: builds every client once. At start it ensures the
 * bootstrap admin token and applies TALLY_METERS_FILE; if that fails, what
 * was opened is closed again before the error propagates.
 */
export async function createRuntime({ config, logger, createSubjectsClaimedHook }: RuntimeOptions): Promise<Runtime> {
  const redisUrl = config.redisUrl ?? defaultRedisUrl;
  const redis = createRedisClient({ url: redisUrl, logger });
  try {
    await waitForRedis(redis, redisUrl, redisStartWaitMs);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  const log = createEventLog({ config, redis, logger });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tally_' });
  const meters = createRedisMeterRegistry({ redis, prefix: config.redisPrefix, cacheMaxAgeMs: config.definitions.cacheMaxAgeMs });
  const clients: RuntimeClients = { config, logger, redis, log, registry, meters };
  const onSubjectsClaimed = createSubjectsClaimedHook?.(clients) ?? noParkedEventReplay;
  const tokenCache =
    config.tokenCacheMaxAgeMs > 0
      ? createTokenCache({
          subscriber: redis.duplicate(),
          channel: revocationChannel(config.redisPrefix),
          maxAgeMs: config.tokenCacheMaxAgeMs,
          maxEntries: 10_000,
        })
      : undefined;
  const tokens = createRedisTokenStore({ redis, prefix: config.redisPrefix, cache: tokenCache });

  let closing: Promise<void> | undefined;
  const runtime: Runtime = {
    ...clients,
    metrics: createHttpMetrics({ registry }),
    tokens,
    requireScope: createRequireScope({ tokens }),
    validator: createEventValidator(),
    customers: createRedisCustomerStore({ redis, prefix: config.redisPrefix, onSubjectsClaimed }),
    queries: createMeterQueryService({
      store: createRedisMeterStore({ redis, prefix: config.redisPrefix, retentionMs: config.materialize.retentionMs }),
      limits: config.query,
    }),
    zones: createZoneOffsetCache(),
    feed: createRedisFeedStore({ redis, prefix: config.redisPrefix, maxRecords: config.materialize.feedMaxRecords }),
    close() {
      closing ??= (async () => {
        try {
          await log.close();
        } catch (error) {
          logger.warn({ err: error }, 'closing the event log failed');
        }
        tokenCache?.close();
        await redis.quit().catch(() => redis.disconnect());
      })();
      return closing;
    },
  };

  try {
    await applyStartupState(runtime);
  } catch (error) {
    await runtime.close();
    throw error;
  }
  return runtime;
}
