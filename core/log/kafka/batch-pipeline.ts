import type { Logger } from 'pino';
import type { BatchHandler, ConsumedRecord } from '../event-log.js';
import type { BatchRange, PartitionOffsets } from './partition-offsets.js';

export interface QueuedBatch {
  range: BatchRange;
  records: ConsumedRecord[];
}

export interface BatchPipelineOptions {
  handler: BatchHandler;
  offsets: PartitionOffsets;
  /** Records per handler call: queued batches are joined up to this (a larger batch goes alone). */
  maxRecords: number;
  /** Records queued ahead of the handler before `waitForRoom` holds the fetching back. */
  maxQueuedRecords: number;
  /** Handler calls at once, each over partitions no other call holds (default 1). */
  concurrency?: number;
  /** A partition must be delivered again from `offset`: its queued batches after it were dropped. */
  redeliver(partition: number, offset: bigint): void;
  /** After each handled call (e.g. to commit at once). */
  onHandled?: () => void;
  logger: Logger;
}

export interface BatchPipeline {
  push(batch: QueuedBatch): void;
  /** Resolves once fewer than `maxQueuedRecords` are queued, the pipeline stopped, or after `timeoutMs`. */
  waitForRoom(timeoutMs: number): Promise<void>;
  hasRoom(): boolean;
  /** Drops every queued batch: a new generation fetches them again. The call in flight finishes. */
  clear(): void;
  /** Drops the queue and waits for the call in flight. */
  stop(): Promise<void>;
}

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * Lets fetching and writing overlap: the consumer queues partition batches
 * here and returns to kafkajs at once, while handler calls take the queued
 * batches, of any partitions and fetches, joined up to `maxRecords`. So the
 * worker's per-call cost (Redis round trips) is shared by as many records
 * as arrived meanwhile, and kafkajs fetches the next batches while a call
 * is written. With `concurrency` above 1, calls overlap too, but a
 * partition is in one call at a time: its records stay in order, as Kafka
 * orders nothing across partitions anyway.
 */
export function createBatchPipeline(options: BatchPipelineOptions): BatchPipeline {
  const { handler, offsets, maxRecords, maxQueuedRecords, logger } = options;
  const concurrency = options.concurrency ?? 1;
  let queue: QueuedBatch[] = [];
  let queued = 0;
  let stopped = false;
  const inFlight = new Set<Promise<void>>();
  /** Partitions some call in flight holds. */
  const busy = new Set<number>();
  let pausedUntil = 0;
  let pauseTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  let roomWaiters: Array<() => void> = [];

  const wakeRoomWaiters = () => {
    if (queued >= maxQueuedRecords && !stopped) return;
    for (const wake of roomWaiters.splice(0)) wake();
  };

  /** The next call's batches: in queue order, skipping partitions a call in flight holds. */
  const take = (): QueuedBatch[] => {
    const taken: QueuedBatch[] = [];
    let records = 0;
    let full = false;
    queue = queue.filter((batch) => {
      if (full || busy.has(batch.range.partition)) return true;
      // Taking nothing after a batch that does not fit keeps every partition's batches in order.
      full = taken.length > 0 && records + batch.records.length > maxRecords;
      if (full) return true;
      records += batch.records.length;
      taken.push(batch);
      return false;
    });
    for (const batch of taken) busy.add(batch.range.partition);
    queued -= records;
    wakeRoomWaiters();
    return taken;
  };

  /** One handler call; resolves with how long to pause before the next (after a failure). */
  const handle = async (taken: QueuedBatch[]): Promise<number> => {
    const ranges = taken.map((batch) => batch.range);
    const records = taken.length === 1 ? taken[0]!.records : taken.flatMap((batch) => batch.records);
    try {
      // Batches of undecodable entries only: nothing to write, their offsets still move on.
      if (records.length > 0) await handler(records);
    } catch (error) {
      const redeliver = offsets.failed(ranges);
      // Later batches of those partitions would skip the failed records: dropped, fetched again.
      queue = queue.filter((batch) => {
        if (!redeliver.has(batch.range.partition)) return true;
        queued -= batch.records.length;
        return false;
      });
      wakeRoomWaiters();
      for (const [partition, offset] of redeliver) options.redeliver(partition, offset);
      const pauseMs = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** failures++);
      logger.warn({ err: error, records: records.length, partitions: [...redeliver.keys()], retryInMs: pauseMs }, 'worker batch failed, its partitions are delivered again');
      return pauseMs;
    }
    failures = 0;
    offsets.handled(ranges);
    options.onHandled?.();
    return 0;
  };

  /** Starts calls while there is room for one and something to take (not during a pause after a failure). */
  const pump = () => {
    while (!stopped && inFlight.size < concurrency && queue.length > 0) {
      const wait = pausedUntil - Date.now();
      if (wait > 0) {
        pauseTimer ??= setTimeout(() => {
          pauseTimer = undefined;
          pump();
        }, wait);
        return;
      }
      const taken = take();
      if (taken.length === 0) return; // every queued partition is in a call
      const call = handle(taken).then((pauseMs) => {
        inFlight.delete(call);
        for (const batch of taken) busy.delete(batch.range.partition);
        // Whatever failed (Redis down, most likely) gets a moment before the next call.
        if (pauseMs > 0) pausedUntil = Date.now() + pauseMs;
        pump();
      });
      inFlight.add(call);
    }
  };

  return {
    push(batch) {
      queue.push(batch);
      queued += batch.records.length;
      pump();
    },

    hasRoom: () => queued < maxQueuedRecords || stopped,

    waitForRoom(timeoutMs) {
      if (queued < maxQueuedRecords || stopped) return Promise.resolve();
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          roomWaiters = roomWaiters.filter((waiter) => waiter !== wake);
          resolve();
        }, timeoutMs);
        roomWaiters.push(wake);
      });
    },

    clear() {
      queue = [];
      queued = 0;
      wakeRoomWaiters();
    },

    async stop() {
      stopped = true;
      queue = [];
      queued = 0;
      wakeRoomWaiters();
      clearTimeout(pauseTimer);
      await Promise.all(inFlight);
    },
  };
}
