import type { Redis } from 'ioredis';
import type { EventLog } from '../event-log.js';
import { logUnavailable, withPublishDeadline } from '../publish-deadline.js';
import { createXaddBatcher } from './xadd-batcher.js';

export interface RedisStreamLogOptions {
  redis: Redis;
  streamKey: string;
  /** `MAXLEN ~ n` on every XADD; undefined (the default) never trims. */
  maxLen: number | undefined;
  publishTimeoutMs: number;
}

/**
 * Waits for a (re)connecting client instead of letting ioredis queue the
 * commands offline: queued XADDs of a caller who already got 503 would
 * otherwise land whenever Redis comes back. Concurrent callers share one
 * `ready` listener.
 */
function createReadyGate(redis: Redis): (timeoutMs: number) => Promise<void> {
  let ready: Promise<void> | undefined;
  return (timeoutMs) => {
    if (redis.status === 'ready' || redis.status === 'wait') return Promise.resolve();
    if (redis.status === 'end') return Promise.reject(logUnavailable(new Error('redis connection closed')));
    ready ??= new Promise<void>((resolve) =>
      redis.once('ready', () => {
        ready = undefined;
        resolve();
      }),
    );
    return withPublishDeadline(ready, timeoutMs);
  };
}

/** The embedded log: one XADD per record (the XADDs of concurrent publishes share a pipeline), fields `ns`, `ingested_at`, `subject`, `event`. */
export function createRedisStreamLog(options: RedisStreamLogOptions): EventLog {
  const { redis, streamKey, maxLen, publishTimeoutMs } = options;
  const inFlight = new Set<Promise<unknown>>();
  const whenReady = createReadyGate(redis);
  const trim = maxLen === undefined ? [] : ['MAXLEN', '~', String(maxLen)];

  const batcher = createXaddBatcher({ redis, streamKey, trim });

  const append: EventLog['publish'] = async (records) => {
    await whenReady(publishTimeoutMs);
    await batcher.append(records);
  };

  return {
    publish(records) {
      if (records.length === 0) return Promise.resolve();
      const published = withPublishDeadline(append(records), publishTimeoutMs);
      const tracked = published.catch(() => undefined);
      inFlight.add(tracked);
      void tracked.then(() => inFlight.delete(tracked));
      return published;
    },
    async isReachable() {
      if (redis.status !== 'ready') return false;
      try {
        return (await withPublishDeadline(redis.ping(), Math.min(publishTimeoutMs, 2_000))) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      // The Redis client belongs to the composition root; only wait for our writes.
      await Promise.all([...inFlight]);
    },
  };
}
