import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { BatchHandler, ConsumedRecord, LogConsumer } from '../event-log.js';
import { createBatchJoiner } from './batch-joiner.js';
import { lazyConnect } from './kafka-log.js';
import { decodeKafkaMessage, type SkipEntry } from './kafka-record-decoder.js';

export interface KafkaConsumerOptions {
  kafka: Kafka;
  topic: string;
  groupId: string;
  /** The broker holds a fetch this long when there is nothing new. */
  fetchWaitMs: number;
  /** Kafka's session timeout; heartbeats go out every tenth of it (at most every 3 s), rebalances wait twice it. */
  sessionTimeoutMs?: number;
  /** Partition batches of a fetch joined into one handler call (a subject's events stay on one partition, in order). */
  partitionsConcurrently?: number;
  /** Offsets of applied batches are committed at most this often (and on stop); 0 commits after every batch. */
  commitIntervalMs?: number;
  logger: Logger;
}

/**
 * A member of the worker's consumer group. The partition batches of a fetch
 * handled at once are joined into one handler call; offsets are resolved
 * only after it resolved, and only resolved offsets are committed (on an
 * interval and on stop). When it rejects, kafkajs fetches the partitions again from their
 * last resolved offsets (and restarts the consumer if that keeps failing),
 * so the batch is delivered again.
 */
export function createKafkaConsumer(options: KafkaConsumerOptions): LogConsumer {
  const { kafka, topic, groupId, logger } = options;
  const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
  let stopped = false;
  const consumer: Consumer = kafka.consumer({
    groupId,
    maxWaitTimeInMs: options.fetchWaitMs,
    sessionTimeout,
    // How long a rebalance waits for members to rejoin: kafkajs's ratio (60 s to 30 s), scaled with the session.
    rebalanceTimeout: sessionTimeout * 2,
    heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 10)),
    // After a crash kafkajs disconnects, then asks whether to restart, then schedules the restart:
    // a stop() that lands before the schedule cannot cancel it, so the answer itself must say no.
    retry: { retries: 5, restartOnFailure: async () => !stopped },
  });
  const admin = kafka.admin();
  const connectAdmin = lazyConnect(admin);
  let joined: BatchHandler | undefined;
  // Not written by Tally: nothing to count, and redelivering it would block the partition.
  const skipEntry: SkipEntry = (error, position) => logger.error({ err: error, topic, position }, 'skipping undecodable log entry');
  const commitIntervalMs = options.commitIntervalMs ?? 1_000;
  // Next offset per partition of batches whose writes are done, and whether some are not committed yet.
  let applied = new Map<number, string>();
  let uncommitted = false;
  let timer: NodeJS.Timeout | undefined;
  // After a rebalance the partitions may belong to another member: their offsets are its to commit.
  consumer.on(consumer.events.GROUP_JOIN, () => {
    applied = new Map();
  });
  /** Commits what was applied; a failure only means those records are delivered again (and deduplicated). */
  const commitApplied = async () => {
    if (!uncommitted || applied.size === 0) return;
    uncommitted = false;
    const offsets = [...applied].map(([partition, offset]) => ({ topic, partition, offset }));
    await consumer.commitOffsets(offsets).catch((error: unknown) => {
      uncommitted = true;
      logger.debug({ err: error }, 'offset commit failed, will retry');
    });
  };

  const eachBatch = async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary }: EachBatchPayload) => {
    const records: ConsumedRecord[] = [];
    for (const message of batch.messages) {
      for (const record of decodeKafkaMessage(message, batch.partition, skipEntry)) records.push(record);
    }
    if (records.length > 0 && joined) await joined(records);
    // Only now: only resolved offsets are ever committed, never unapplied ones.
    resolveOffset(batch.lastOffset());
    applied.set(batch.partition, (BigInt(batch.lastOffset()) + 1n).toString());
    uncommitted = true;
    // The group is gone once stop() returns: a batch it waited for commits itself.
    if (stopped) await commitApplied();
    else await commitOffsetsIfNecessary(); // kafkajs: at most once per interval
    await heartbeat();
  };

  return {
    async start(batchHandler) {
      if (joined) throw new Error('consumer already started');
      joined = createBatchJoiner(batchHandler);
      await consumer.connect();
      // A new group starts at the beginning: events published before the first worker are not skipped.
      await consumer.subscribe({ topic, fromBeginning: true });
      // A commit per batch is a round trip the next fetch waits for; the timer covers partitions gone quiet.
      timer = setInterval(() => void commitApplied(), Math.max(commitIntervalMs, 100));
      timer.unref();
      await consumer.run({
        autoCommit: false,
        autoCommitInterval: commitIntervalMs,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConcurrently ?? 1,
        eachBatch,
      });
    },
    async stop() {
      stopped = true; // final: no restart after a crash from here on
      clearInterval(timer);
      await commitApplied();
      await consumer.disconnect(); // stops fetching, waits for the batch in flight (which commits), leaves
      await admin.disconnect();
    },
    async lag() {
      await connectAdmin();
      const [committed, offsets] = await Promise.all([
        admin.fetchOffsets({ groupId, topics: [topic] }),
        admin.fetchTopicOffsets(topic),
      ]);
      const committedByPartition = new Map(
        (committed[0]?.partitions ?? []).map((entry) => [entry.partition, BigInt(entry.offset)]),
      );
      let lag = 0n;
      for (const { partition, high, low } of offsets) {
        const position = committedByPartition.get(partition) ?? -1n;
        lag += BigInt(high) - (position >= 0n ? position : BigInt(low));
      }
      return Number(lag);
    },
  };
}
