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
 * `ready` listener. Undefined when the client is usable now, so that the
 * common case costs no promise.
 */
function createReadyGate(redis: Redis): (timeoutMs: number) => Promise<void> | undefined {
  let ready: Promise<void> | undefined;
  return (timeoutMs) => {
    if (redis.status === 'ready' || redis.status === 'wait') return undefined;
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

/** The embedded log: one XADD per record (those of concurrent publishes share one script call), fields `ns`, `ingested_at`, `subject`, `event`. */
export function createRedisStreamLog(options: RedisStreamLogOptions): EventLog {
  const { redis, streamKey, maxLen, publishTimeoutMs } = options;
  const whenReady = createReadyGate(redis);
  const batcher = createXaddBatcher({ redis, streamKey, maxLen });
  // Publishes not yet settled, and who waits for the last of them (close): a count costs less per publish than a set of promises.
  let inFlight = 0;
  const waiters: Array<() => void> = [];
  const settled = () => {
    if (--inFlight === 0) for (const wake of waiters.splice(0)) wake();
  };

  const append: EventLog['publish'] = (records) => {
    const gate = whenReady(publishTimeoutMs);
    return gate ? gate.then(() => batcher.append(records)) : batcher.append(records);
  };

  return {
    publish(records) {
      if (records.length === 0) return Promise.resolve();
      const published = withPublishDeadline(append(records), publishTimeoutMs);
      inFlight++;
      published.then(settled, settled);
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
      if (inFlight > 0) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}
