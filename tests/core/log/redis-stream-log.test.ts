import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { loadConfig } from '../../../core/config/config.js';
import { createEventLog, createLogConsumer } from '../../../core/log/create-event-log.js';
import { startRedis } from '../../support/redis-server.js';
import { createTracking } from './harness-tracking.js';
import { runLogContract, type LogHarness } from './log-contract.js';

const logger = pino({ level: 'silent' });

export async function startStreamHarness(
  env: Record<string, string> = {},
): Promise<LogHarness & { redis: Redis; streamKey: string; group: string }> {
  const server = await startRedis();
  const redis = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
  redis.on('error', () => undefined); // outages are part of the tests
  const config = loadConfig({
    TALLY_REDIS_PREFIX: `t-${randomUUID()}:`,
    TALLY_PUBLISH_TIMEOUT_MS: '1500',
    TALLY_LOG_FETCH_WAIT_MS: '20',
    // A stopped member's pending entries are taken over by the next one after this idle time.
    TALLY_STREAM_CLAIM_IDLE_MS: '300',
    ...env,
  });
  const tracking = createTracking();
  return {
    redis,
    streamKey: config.stream.key,
    group: config.stream.group,
    publishTimeoutMs: config.limits.publishTimeoutMs,
    createLog: () => tracking.log(createEventLog({ config, redis, logger })),
    createConsumer: (consumerName) => tracking.consumer(createLogConsumer({ config, redis, logger, consumerName })),
    async readRaw() {
      const entries = await redis.xrange(config.stream.key, '-', '+');
      return entries.map(([, fields]) => {
        const field = (name: string) => String(fields[fields.indexOf(name) + 1]);
        return { subject: field('subject'), namespace: field('ns'), ingestedAt: field('ingested_at'), value: field('event') };
      });
    },
    outage: () => server.stop(),
    recover: () => server.restart(),
    async dispose() {
      await tracking.closeAll();
      redis.disconnect();
      await server.stop();
    },
  };
}

runLogContract('redis stream', () => startStreamHarness());
