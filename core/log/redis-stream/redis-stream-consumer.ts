import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { BatchHandler, LogConsumer } from '../event-log.js';
import { decodeEntries, entriesOfClaim, entriesOfRead, groupInfo, type RawEntry } from './stream-entries.js';

export interface RedisStreamConsumerOptions {
  /** Duplicated for the blocking reads; the given client is left open. */
  redis: Redis;
  streamKey: string;
  group: string;
  consumerName: string;
  /** XREADGROUP BLOCK, also the longest `stop()` waits for an idle read. */
  blockMs: number;
  readCount: number;
  /** Pending entries idle this long belong to a dead consumer and are claimed. */
  claimIdleMs: number;
  logger: Logger;
}

const MAX_BACKOFF_MS = 2_000;

/**
 * A consumer-group member on a Redis Stream. Entries are XACKed only after
 * the handler resolved; when it rejects, this consumer's pending entries are
 * read again (id 0) after a backoff. Entries left pending by a consumer that
 * died are taken over with XAUTOCLAIM once idle for `claimIdleMs`. The
 * next entries are read while a batch is written (its XACK still follows
 * its own writes); `stop()` handles what was read ahead before it returns.
 */
export function createRedisStreamConsumer(options: RedisStreamConsumerOptions): LogConsumer {
  const { redis, streamKey, group, consumerName, logger } = options;
  let connection: Redis | undefined;
  let loop: Promise<void> | undefined;
  let stopping = false;
  let wake: (() => void) | undefined;

  const ensureGroup = async (client: Redis) => {
    try {
      // Id 0: a new group also gets the events published before the first worker started.
      await client.xgroup('CREATE', streamKey, group, '0', 'MKSTREAM');
    } catch (error) {
      if (!String(error).includes('BUSYGROUP')) throw error;
    }
  };

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const handle = async (client: Redis, entries: RawEntry[], handler: BatchHandler) => {
    const { records, unusable, ids } = decodeEntries(entries);
    for (const { id, error } of unusable) logger.error({ err: error, streamKey, id }, 'skipping unusable stream entry');
    if (records.length > 0) await handler(records);
    await client.xack(streamKey, group, ...ids);
  };

  /** New entries without blocking: the connection also carries the XACKs. Rejections surface where it is awaited. */
  const readAhead = (client: Redis) => {
    const next = client
      .xreadgroup('GROUP', group, consumerName, 'COUNT', options.readCount, 'STREAMS', streamKey, '>')
      .then(entriesOfRead);
    next.catch(() => undefined);
    return next;
  };

  const run = async (client: Redis, handler: BatchHandler) => {
    let ownPendingFirst = true; // a restart under the same name resumes its own pending entries
    let claimCursor = '0-0';
    let nextClaimAt = 0;
    let backoff = 100;
    // Read while the previous batch was written; those entries are pending on this consumer until handled.
    let ahead: Promise<RawEntry[]> | undefined;
    while (!stopping || ahead) {
      try {
        let entries: RawEntry[] = [];
        if (Date.now() >= nextClaimAt && !stopping) {
          const claimed = entriesOfClaim(
            await client.xautoclaim(streamKey, group, consumerName, options.claimIdleMs, claimCursor, 'COUNT', options.readCount),
          );
          entries = claimed.entries;
          claimCursor = claimed.cursor;
          if (claimCursor === '0-0') nextClaimAt = Date.now() + Math.max(options.claimIdleMs / 2, options.blockMs);
        }
        if (entries.length === 0 && ahead) {
          entries = await ahead;
          ahead = undefined;
        }
        if (entries.length === 0 && ownPendingFirst) {
          entries = entriesOfRead(
            await client.xreadgroup('GROUP', group, consumerName, 'COUNT', options.readCount, 'STREAMS', streamKey, '0'),
          );
          ownPendingFirst = entries.length > 0;
        }
        if (entries.length === 0 && !ownPendingFirst && !stopping) {
          entries = entriesOfRead(
            await client.xreadgroup('GROUP', group, consumerName, 'COUNT', options.readCount, 'BLOCK', options.blockMs, 'STREAMS', streamKey, '>'),
          );
        }
        if (entries.length > 0) {
          // Not while own pending entries are re-read: those reads start at 0 and would return these again.
          if (!ahead && !ownPendingFirst && !stopping) ahead = readAhead(client);
          await handle(client, entries, handler);
        }
        backoff = 100;
      } catch (error) {
        // Entries read ahead stay pending on this consumer: the re-read from id 0 returns them.
        ahead = undefined;
        if (stopping) break;
        logger.warn({ err: error, streamKey, group, consumerName }, 'stream batch failed, will be read again');
        ownPendingFirst = true;
        if (String(error).includes('NOGROUP')) await ensureGroup(client).catch(() => undefined);
        await pause(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  };

  return {
    async start(handler) {
      if (connection) throw new Error('consumer already started');
      connection = redis.duplicate();
      // Reconnects are ioredis's job; failed reads are logged by the loop.
      connection.on('error', (error: unknown) => logger.debug({ err: error, consumerName }, 'stream connection error'));
      await ensureGroup(connection);
      loop = run(connection, handler);
    },
    async stop() {
      stopping = true;
      wake?.();
      await loop; // the batch in flight finishes and is acknowledged
      await connection?.quit().catch(() => connection?.disconnect());
    },
    async lag() {
      const info = groupInfo(await redis.xinfo('GROUPS', streamKey), group);
      if (!info) return redis.xlen(streamKey);
      const undelivered = typeof info.lag === 'number' ? info.lag : await redis.xlen(streamKey);
      return undelivered + Number(info.pending ?? 0);
    },
  };
}
