import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../../core/config/config.js';
import { customerKeys } from '../../core/customers/redis/customer-keys.js';
import { defineCustomerScripts } from '../../core/customers/redis/customer-scripts.js';
import { createRedisSubjectResolver } from '../../core/customers/redis/redis-subject-resolver.js';
import { createLogConsumer } from '../../core/log/create-event-log.js';
import type { LogConsumer } from '../../core/log/event-log.js';
import type { MeterRegistry } from '../../core/meters/meter-registry.js';
import { createRedisMeterRegistry } from '../../core/meters/redis/redis-meter-registry.js';
import { createWorker, type Worker } from './create-worker.js';
import { createMaterializeParts } from './materialize-parts.js';
import { createWorkerMetrics } from './worker-metrics.js';

export interface StartWorkerOptions {
  config: Config;
  redis: Redis;
  logger: Logger;
  registry: Registry;
  /** This member's name in the consumer group (stream consumer, Kafka client id suffix). */
  consumerName: string;
  /** Shared with the API in `tally all`; built here otherwise. */
  meters?: MeterRegistry;
}

export interface WorkerMember {
  worker: Worker;
  consumer: LogConsumer;
}

export interface RunningWorker {
  worker: Worker;
  /** Finishes the batch in flight, commits it, leaves the group. */
  stop(): Promise<void>;
}

const EXPIRE_EVERY_MS = 60_000;

/** Builds the worker and its consumer-group member from config, not started yet. */
export function createWorkerMember({ config, redis, logger, registry, consumerName, meters: givenMeters }: StartWorkerOptions): WorkerMember {
  const prefix = config.redisPrefix;
  const cacheMaxAgeMs = config.definitions.cacheMaxAgeMs;
  const meters = givenMeters ?? createRedisMeterRegistry({ redis, prefix, cacheMaxAgeMs });
  const parts = createMaterializeParts({ redis, config, meters });
  const consumer = createLogConsumer({ config, redis, logger, consumerName });
  const metrics = createWorkerMetrics({ registry, lag: () => consumer.lag() });
  const keys = customerKeys(prefix);
  const scripts = defineCustomerScripts(redis);
  const worker = createWorker({
    ...parts,
    replay: async (customerId, subjects) => {
      const applied = await parts.replay(customerId, subjects);
      metrics.replayed.inc(applied);
      return applied;
    },
    resolver: createRedisSubjectResolver({ redis, prefix, cacheMaxAgeMs }),
    resolveFresh: async (subject) => (await scripts.tallySubjectResolve(keys.keys, keys.subjects, subject)) ?? undefined,
    meters,
    metrics,
    logger: logger.child({ component: 'worker', consumer: consumerName }),
    parkedMaxPerSubject: config.materialize.parkedMaxPerSubject,
    parkedRetentionMs: config.materialize.parkedRetentionMs,
  });
  return { worker, consumer };
}

/** Builds the worker and joins the consumer group (`tally worker`, `tally all`). */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { config, logger, consumerName } = options;
  const { worker, consumer } = createWorkerMember(options);
  await consumer.start(worker.handle);
  const expiry = setInterval(() => {
    worker.expireParked().catch((error: unknown) => logger.warn({ err: error }, 'parked events expiry failed, will retry'));
  }, EXPIRE_EVERY_MS);
  expiry.unref();
  logger.info({ consumer: consumerName, log: config.kafka ? 'kafka' : 'redis-stream' }, 'worker started');
  return {
    worker,
    async stop() {
      clearInterval(expiry);
      await consumer.stop();
    },
  };
}
