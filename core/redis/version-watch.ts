import type { Redis } from 'ioredis';

/**
 * A change counter in Redis (INCR on every write) read at most once per
 * `maxAgeMs` per process. In-process caches compare it with the version
 * they were built from and rebuild when it moved, so any process's change
 * is seen within `maxAgeMs` plus one round trip.
 *
 * Polling was chosen over pub/sub: it needs no dedicated subscriber
 * connection, and a missed message (reconnect, failover) cannot leave a
 * cache stale forever; one GET per 200 ms per process is negligible.
 */
export interface VersionWatch {
  /** The counter's value, at most `maxAgeMs` old ("0" when never written). */
  version(): Promise<string>;
}

export interface VersionWatchOptions {
  redis: Redis;
  key: string;
  maxAgeMs?: number;
}

export function createVersionWatch({ redis, key, maxAgeMs = 200 }: VersionWatchOptions): VersionWatch {
  let value: string | undefined;
  let readAt = 0;
  let inFlight: Promise<string> | undefined;

  const read = async () => {
    try {
      const startedAt = Date.now();
      value = (await redis.get(key)) ?? '0';
      readAt = startedAt;
      return value;
    } finally {
      inFlight = undefined;
    }
  };

  return {
    version() {
      if (value !== undefined && Date.now() - readAt < maxAgeMs) return Promise.resolve(value);
      inFlight ??= read();
      return inFlight;
    },
  };
}
