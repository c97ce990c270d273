import type { Consumer, ConsumerRunConfig, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { ConsumedRecord, LogConsumer } from '../event-log.js';
import { createBatchPipeline, type BatchPipeline } from './batch-pipeline.js';
import { createCrashRecovery } from './crash-recovery.js';
import { createGroupLag } from './kafka-group-lag.js';
import { decodeKafkaMessage, type SkipEntry } from './kafka-record-decoder.js';
import { createPartitionOffsets } from './partition-offsets.js';

export interface KafkaConsumerOptions {
  kafka: Kafka;
  topic: string;
  groupId: string;
  /** The broker holds a fetch this long when there is nothing new. */
  fetchWaitMs: number;
  /** Kafka's session timeout; heartbeats go out every tenth of it (at most every 3 s), rebalances wait twice it. */
  sessionTimeoutMs?: number;
  /** Offsets of handled batches are committed at most this often (and on stop); 0 commits after every handler call. */
  commitIntervalMs?: number;
  /** Records per handler call, joined from the partition batches of any fetches queued meanwhile. */
  batchMaxRecords?: number;
  /** Records fetched ahead of the handler; beyond them kafkajs waits before it fetches again. */
  fetchAheadRecords?: number;
  /** Handler calls at once, each over partitions no other call holds. */
  handlerConcurrency?: number;
  /** Delays of the restart after a crash kafkajs does not restart from (tests shorten them). */
  recoveryDelayMs?: { min: number; max: number };
  logger: Logger;
}

/**
 * A member of the worker's consumer group. Each partition batch kafkajs
 * fetches is decoded, queued in the batch pipeline, and its offsets resolved
 * at once, so kafkajs fetches on while the handler writes. kafkajs's own
 * offsets therefore run ahead of the writes and are never committed:
 * autoCommit is off and only what `PartitionOffsets` allows (the prefix of
 * handled batches) is committed, on an interval and on stop. A failed
 * handler call makes its partitions seek back to the first unhandled offset.
 */
export function createKafkaConsumer(options: KafkaConsumerOptions): LogConsumer {
  const { kafka, topic, groupId, logger } = options;
  const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
  const heartbeatInterval = Math.min(3_000, Math.floor(sessionTimeout / 10));
  const commitIntervalMs = options.commitIntervalMs ?? 1_000;
  let stopped = false;
  const consumer: Consumer = kafka.consumer({
    groupId,
    maxWaitTimeInMs: options.fetchWaitMs,
    sessionTimeout,
    // How long a rebalance waits for members to rejoin: kafkajs's ratio (60 s to 30 s), scaled with the session.
    rebalanceTimeout: sessionTimeout * 2,
    heartbeatInterval,
    // After a crash kafkajs disconnects, then asks whether to restart, then schedules the restart:
    // a stop() that lands before the schedule cannot cancel it, so the answer itself must say no.
    retry: { retries: 5, restartOnFailure: async () => !stopped },
  });
  const groupLag = createGroupLag({ kafka, groupId, topic });
  const offsets = createPartitionOffsets();
  let pipeline: BatchPipeline | undefined;
  let timer: NodeJS.Timeout | undefined;
  // Not written by Tally: nothing to count, and redelivering it would block the partition.
  const skipEntry: SkipEntry = (error, position) => logger.error({ err: error, topic, position }, 'skipping undecodable log entry');

  let committing: Promise<void> | undefined;
  const commit = (due: Map<number, bigint>) =>
    consumer.commitOffsets([...due].map(([partition, offset]) => ({ topic, partition, offset: offset.toString() })));
  /** Commits what was handled since the last commit; a failure only means those records are delivered again (and deduplicated). */
  const commitHandled = () => {
    if (committing) return;
    const due = offsets.takeUncommitted();
    if (!due) return;
    committing = commit(due)
      .catch((error: unknown) => {
        offsets.commitFailed();
        logger.debug({ err: error }, 'offset commit failed, will retry');
      })
      .finally(() => {
        committing = undefined;
      });
  };

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isStale }: EachBatchPayload) => {
    const records: ConsumedRecord[] = [];
    for (const message of batch.messages) {
      for (const record of decodeKafkaMessage(message, batch.partition, skipEntry)) records.push(record);
    }
    // The handler is behind: hold kafkajs's fetching back (heartbeating, so the group keeps this member).
    while (pipeline && !pipeline.hasRoom()) {
      await pipeline.waitForRoom(heartbeatInterval);
      await heartbeat();
    }
    // Fetched before its partition was sent back to an unhandled offset (kafkajs fetches from there next).
    if (!pipeline || stopped || isStale()) return;
    const first = BigInt(batch.firstOffset() ?? batch.lastOffset());
    const range = offsets.track(batch.partition, first, BigInt(batch.lastOffset()) + 1n);
    pipeline.push({ range, records });
    // kafkajs fetches on from here; this never reaches a commit (autoCommit is off), `offsets` decides those.
    resolveOffset(batch.lastOffset());
  };

  const runConfig: ConsumerRunConfig = { autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 1, eachBatch };
  const recovery = createCrashRecovery({
    logger,
    restart: async () => {
      await consumer.connect();
      if (!stopped) await consumer.run(runConfig);
    },
    minDelayMs: options.recoveryDelayMs?.min,
    maxDelayMs: options.recoveryDelayMs?.max,
  });
  /** A new generation fetches from the committed offsets: what is queued is fetched again. */
  const newGeneration = () => {
    offsets.reset();
    pipeline?.clear();
  };
  consumer.on(consumer.events.GROUP_JOIN, () => {
    newGeneration();
    recovery.joined();
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    newGeneration();
    if (!payload.restart) recovery.crashed(payload.error);
  });

  return {
    async start(handler) {
      if (pipeline) throw new Error('consumer already started');
      pipeline = createBatchPipeline({
        handler,
        offsets,
        maxRecords: options.batchMaxRecords ?? 1_000,
        maxQueuedRecords: options.fetchAheadRecords ?? 5_000,
        concurrency: options.handlerConcurrency ?? 2,
        redeliver: (partition, offset) => {
          try {
            consumer.seek({ topic, partition, offset: offset.toString() });
          } catch (error) {
            // Not running (crashed, stopping): it fetches from the committed offsets when it runs again.
            logger.debug({ err: error, partition }, 'seek skipped');
          }
        },
        onHandled: commitIntervalMs === 0 ? commitHandled : undefined,
        logger,
      });
      await consumer.connect();
      // A new group starts at the beginning: events published before the first worker are not skipped.
      await consumer.subscribe({ topic, fromBeginning: true });
      // The timer also picks up what a commit in flight left behind.
      timer = setInterval(commitHandled, Math.max(commitIntervalMs, 100));
      timer.unref();
      await consumer.run(runConfig);
    },
    async stop() {
      stopped = true; // final: no restart after a crash from here on
      clearInterval(timer);
      await recovery.stop();
      await pipeline?.stop(); // drops what is queued, waits for the call in flight
      await committing;
      // While kafkajs still runs: once it stopped, it drops commits silently.
      const handled = offsets.committable();
      if (handled.size > 0) await commit(handled).catch((error: unknown) => logger.warn({ err: error }, 'final offset commit failed'));
      await consumer.disconnect(); // leaves the group
      await groupLag.close();
    },
    lag: () => groupLag.lag(),
  };
}
