import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import type { BatchHandler, ConsumedRecord, LogConsumer } from '../event-log.js';
import { decodeRecord } from '../log-payload.js';
import { createBatchJoiner } from './batch-joiner.js';
import { lazyConnect } from './kafka-log.js';

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
  logger: Logger;
}

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

function decode(message: KafkaMessage, partition: number): ConsumedRecord {
  const record = decodeRecord({
    namespace: header(message.headers, 'namespace'),
    ingestedAt: header(message.headers, 'ingested_at'),
    event: message.value?.toString(),
  });
  return { record, position: `${partition}:${message.offset}` };
}

/**
 * A member of the worker's consumer group. The partition batches of a fetch
 * are joined into one handler call; offsets are resolved only after it
 * resolved and committed by kafkajs after each batch (never an unresolved
 * one). When it rejects, kafkajs fetches the partitions again from their
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

  const eachBatch = async ({ batch, resolveOffset, heartbeat }: EachBatchPayload) => {
    const records: ConsumedRecord[] = [];
    for (const message of batch.messages) {
      try {
        records.push(decode(message, batch.partition));
      } catch (error) {
        // Not written by Tally: nothing to count, and redelivering it would block the partition.
        logger.error({ err: error, topic, partition: batch.partition, offset: message.offset }, 'skipping undecodable log entry');
      }
    }
    if (records.length > 0 && joined) await joined(records);
    // Only now: kafkajs commits the resolved offsets after the batch (and on stop and rebalance), never unapplied ones.
    resolveOffset(batch.lastOffset());
    await heartbeat();
  };

  return {
    async start(batchHandler) {
      if (joined) throw new Error('consumer already started');
      joined = createBatchJoiner(batchHandler);
      await consumer.connect();
      // A new group starts at the beginning: events published before the first worker are not skipped.
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: true,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConcurrently ?? 16,
        eachBatch,
      });
    },
    async stop() {
      stopped = true; // final: no restart after a crash from here on
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
