import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * The process's Redis client. A command fails after one reconnect attempt
 * instead of ioredis's default twenty, so a request meets a Redis outage
 * with a prompt 503 rather than a long wait; the client itself keeps
 * reconnecting (backoff up to 1 s) until Redis is back. An outage is
 * logged once when it starts and once when it ends, not per attempt.
 */
export function createRedisClient({ url, logger }: { url: string; logger: Logger }): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
    lazyConnect: false,
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn({ err: { message: error.message, code: (error as { code?: unknown }).code } }, 'redis unreachable, reconnecting');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info('redis reachable again');
  });
  return redis;
}

/** The URL without its password, for messages. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured REDIS_URL';
  }
}

/**
 * Resolves once the client is connected. A process started together with
 * its Redis (compose, Kubernetes) waits for it a while instead of failing
 * on the first refused connection; past `timeoutMs` the start fails naming
 * the URL (its password hidden).
 */
export async function waitForRedis(redis: Redis, url: string, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  let timer: NodeJS.Timeout | undefined;
  let onReady: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      onReady = resolve;
      redis.once('ready', onReady);
      timer = setTimeout(() => reject(new Error(`Redis at ${describeRedisUrl(url)} is unreachable (waited ${timeoutMs} ms)`)), timeoutMs);
    });
  } finally {
    clearTimeout(timer);
    if (onReady) redis.off('ready', onReady);
  }
}
