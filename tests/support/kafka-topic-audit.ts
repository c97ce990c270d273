import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { decodeKafkaMessage } from '../../core/log/kafka/kafka-record-decoder.js';
import { eventually } from './eventually.js';

/** Where an event id sits in the topic. */
export interface TopicEntry {
  id: string;
  subject: string;
  position: string;
}

/**
 * Reads a Kafka topic the way an auditor would: what the brokers hold, and
 * how far a consumer group committed. Fault tests use it to tell a lost
 * event (acknowledged but not in the topic) from one the worker has not
 * applied yet (in the topic, above the group's committed offset).
 */
export function createKafkaTopicAudit(brokers: readonly string[], topic: string) {
  const kafka = new Kafka({ clientId: `audit-${randomUUID()}`, brokers: [...brokers], logLevel: logLevel.NOTHING });

  const withAdmin = async <T>(use: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return await use(admin);
    } finally {
      await admin.disconnect();
    }
  };

  return {
    /** Every entry of the topic, read from the beginning by a group of its own up to the high watermarks of now. */
    async entries(timeoutMs = 30_000): Promise<TopicEntry[]> {
      const offsets = await withAdmin((admin) => admin.fetchTopicOffsets(topic));
      // No restart after a crash: a restart pending after disconnect would outlive the read.
      const consumer = kafka.consumer({ groupId: `audit-${randomUUID()}`, maxWaitTimeInMs: 20, retry: { retries: 5, restartOnFailure: async () => false } });
      const entries: TopicEntry[] = [];
      const undecodable: string[] = [];
      const readUpTo = new Map<number, bigint>();
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) {
              // Either record format: a batch record holds several events, each an entry of its own.
              for (const { record, position } of decodeKafkaMessage(message, batch.partition, (error, at) => undecodable.push(`${at}: ${String(error)}`))) {
                entries.push({ id: String(record.event.id), subject: String(record.event.subject), position });
              }
              readUpTo.set(batch.partition, BigInt(message.offset) + 1n);
            }
          },
        });
        await eventually(() => {
          for (const { partition, high } of offsets) {
            assert.ok((readUpTo.get(partition) ?? 0n) >= BigInt(high), `audit read partition ${partition} up to its high watermark ${high}`);
          }
        }, { timeoutMs });
      } finally {
        await consumer.disconnect();
      }
      assert.deepEqual(undecodable, [], 'every record in the topic decodes');
      return entries;
    },

    /** Per partition: high watermark minus the group's committed offset (all of the partition when nothing is committed). */
    async groupLag(groupId: string): Promise<Record<number, number>> {
      return withAdmin(async (admin) => {
        const [committed, offsets] = await Promise.all([admin.fetchOffsets({ groupId, topics: [topic] }), admin.fetchTopicOffsets(topic)]);
        const byPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
        const lag: Record<number, number> = {};
        for (const { partition, high, low } of offsets) {
          const position = byPartition.get(partition) ?? -1n;
          lag[partition] = Number(BigInt(high) - (position >= 0n ? position : BigInt(low)));
        }
        return lag;
      });
    },
  };
}

export type KafkaTopicAudit = ReturnType<typeof createKafkaTopicAudit>;
