import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { loadConfig } from '../../../core/config/config.js';
import { createEventLog } from '../../../core/log/create-event-log.js';
import { decodeRecord } from '../../../core/log/log-payload.js';
import { startRedis } from '../../support/redis-server.js';
import { ingestSuite } from './ingest-suite.js';

/**
 * The ingest suite over the embedded default: a Redis Stream in a Redis of
 * its own (tokens stay in the suite's Redis), persisted with fsync on every
 * write as `make run` runs it, so stopping it (SIGKILL) is an outage that
 * loses nothing acknowledged.
 */
ingestSuite('a redis stream', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'tally-ingest-stream-'));
  const server = await startRedis({ dataDir });
  const redis = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
  redis.on('error', () => undefined); // the outage is part of the test
  const config = loadConfig({ REDIS_URL: server.url, TALLY_REDIS_PREFIX: `ingest-${randomUUID()}:`, TALLY_PUBLISH_TIMEOUT_MS: '1500' });
  const log = createEventLog({ config, redis, logger: pino({ level: 'silent' }) });
  return {
    log,
    async read() {
      const entries = await redis.xrange(config.stream.key, '-', '+');
      return entries.map(([, fields]) => {
        const field = (name: string) => fields[fields.indexOf(name) + 1];
        return decodeRecord({ namespace: field('ns'), ingestedAt: field('ingested_at'), event: field('event') });
      });
    },
    takeDown: () => server.stop(),
    bringUp: () => server.restart(),
    async close() {
      await log.close();
      redis.disconnect();
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
