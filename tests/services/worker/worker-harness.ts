import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { loadConfig, type Config } from '../../../core/config/config.js';
import type { LogRecord } from '../../../core/events/cloud-event.js';
import { createRedisCustomerStore } from '../../../core/customers/redis/redis-customer-store.js';
import type { CustomerStore } from '../../../core/customers/customer-store.js';
import { createRedisFeedStore } from '../../../core/feed/redis/redis-feed-store.js';
import type { FeedRecord } from '../../../core/feed/feed-record.js';
import { createEventLog } from '../../../core/log/create-event-log.js';
import type { BatchHandler, EventLog } from '../../../core/log/event-log.js';
import type { MeterRegistry } from '../../../core/meters/meter-registry.js';
import { createRedisMeterRegistry } from '../../../core/meters/redis/redis-meter-registry.js';
import { createRedisMeterStore } from '../../../core/meters/redis/redis-meter-store.js';
import { createParkedReplayHook } from '../../../services/worker/parked-replay-hook.js';
import { createWorkerMember } from '../../../services/worker/start-worker.js';

const logger = pino({ level: 'silent' });

export interface WorkerHarness {
  config: Config;
  redis: Redis;
  meters: MeterRegistry;
  customers: CustomerStore;
  publish(records: readonly LogRecord[]): Promise<void>;
  /** Starts a group member; `wrap` may intercept its batch handler (crash simulation). */
  startMember(name: string, wrap?: (handler: BatchHandler) => BatchHandler): Promise<{ stop(): Promise<void>; registry: Registry }>;
  /** Sum of a meter per customer over today and yesterday (UTC). */
  totals(meterSlug: string): Promise<Record<string, number | null>>;
  feed(): Promise<FeedRecord[]>;
  dispose(): Promise<void>;
}

/** A fresh prefix, stream/topic and group on shared servers; `env` picks the log. */
export async function createWorkerHarness(redisUrl: string, env: Record<string, string>): Promise<WorkerHarness> {
  const prefix = `w${randomUUID().slice(0, 8)}:`;
  const config = loadConfig({
    REDIS_URL: redisUrl, TALLY_REDIS_PREFIX: prefix, TALLY_CACHE_MAX_AGE_MS: '0', TALLY_LOG_FETCH_WAIT_MS: '20',
    TALLY_STREAM_CLAIM_IDLE_MS: '500', TALLY_STREAM_GROUP: `g-${prefix}`, KAFKA_GROUP_ID: `g-${prefix}`, TALLY_APPLY_CHUNK_EVENTS: '40', ...env,
  });
  const redis = new Redis(redisUrl);
  const meters = createRedisMeterRegistry({ redis, prefix, cacheMaxAgeMs: 0 });
  const customers = createRedisCustomerStore({ redis, prefix, onSubjectsClaimed: createParkedReplayHook({ redis, config, meters }) });
  const log: EventLog = createEventLog({ config, redis, logger });
  const store = createRedisMeterStore({ redis, prefix, retentionMs: config.materialize.retentionMs });
  const feed = createRedisFeedStore({ redis, prefix, maxRecords: 10_000 });
  const members: Array<{ stop(): Promise<void> }> = [];

  return {
    config, redis, meters, customers,
    publish: (records) => log.publish(records),
    async startMember(name, wrap = (handler) => handler) {
      const registry = new Registry();
      const { worker, consumer } = createWorkerMember({ config, redis, logger, registry, consumerName: name, meters });
      await consumer.start(wrap(worker.handle));
      let stopped: Promise<void> | undefined;
      const member = { registry, stop: () => (stopped ??= consumer.stop()) };
      members.push(member);
      return member;
    },
    async totals(meterSlug) {
      const meter = await meters.get(meterSlug);
      if (!meter) throw new Error(`no meter ${meterSlug}`);
      const today = Date.now() - (Date.now() % 86_400_000);
      const rows = await store.aggregate({ meter, granularity: 'day', windows: [{ fromMs: today - 86_400_000, toMs: today + 86_400_000 }], groupBy: ['customer_id'], filters: {} });
      return Object.fromEntries(rows.map((row) => [row.dimensions.customer_id ?? '', row.value]));
    },
    async feed() {
      return (await feed.list({ limit: 10_000 })).records;
    },
    async dispose() {
      for (const member of members) await member.stop();
      await log.close();
      await redis.quit();
    },
  };
}

let counter = 0;

export function usageRecord(subject: string, data: Record<string, unknown> | null, over: { id?: string; type?: string; timeMs?: number } = {}): LogRecord {
  return {
    namespace: 'default',
    ingestedAt: new Date().toISOString(),
    event: {
      specversion: '1.0', id: over.id ?? `evt-${++counter}-${randomUUID()}`, source: 'gateway', type: over.type ?? 'kong.llm_request', subject,
      time: new Date(over.timeMs ?? Date.now() - 1000).toISOString(), data,
    },
  };
}
