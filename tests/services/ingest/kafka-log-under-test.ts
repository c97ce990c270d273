import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { pino } from 'pino';
import { loadConfig } from '../../../core/config/config.js';
import type { LogRecord } from '../../../core/events/cloud-event.js';
import { createEventLog } from '../../../core/log/create-event-log.js';
import { decodeKafkaMessage } from '../../../core/log/kafka/kafka-record-decoder.js';
import { eventually } from '../../support/eventually.js';
import { startKafkaMock } from '../../support/kafka-mock.js';
import type { LogUnderTest } from './ingest-suite.js';

const unusedRedis = undefined as never; // the Kafka log never touches Redis

/** A consumer of its own group reading `topic` from the beginning into memory, decoding either record format. */
async function startTopicReader(kafka: Kafka, topic: string) {
  // No restart after a crash: the outage crashes it, a new reader replaces it, and a pending restart would outlive the test.
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 20, retry: { retries: 2, restartOnFailure: async () => false } });
  const records: LogRecord[] = [];
  const messages: KafkaMessage[] = [];
  const skipped: string[] = [];
  const consumedUpTo = new Map<number, number>();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const decoded = decodeKafkaMessage(message, partition, (error, position) => skipped.push(`${position}: ${String(error)}`));
      records.push(...decoded.map((entry) => entry.record));
      messages.push(message);
      consumedUpTo.set(partition, Number(message.offset) + 1);
    },
  });
  return { records, messages, skipped, consumedUpTo, stop: () => consumer.disconnect() };
}

export type KafkaLogUnderTest = LogUnderTest & {
  /** The raw Kafka records the last `read()` returned the events of, to check the record format. */
  messages(): KafkaMessage[];
};

/**
 * The Kafka log for the ingest suite (the real protocol, librdkafka's mock
 * cluster), configured by `env` besides its own topic. `read()` waits until
 * a reader of its own group reached every partition's high watermark, so it
 * returns all that the topic holds. The reader is replaced around an
 * outage: what matters is what the brokers kept, not how fast a consumer
 * recovers (the worker's suites cover that).
 */
export async function createKafkaLogUnderTest(env: Record<string, string> = {}): Promise<KafkaLogUnderTest> {
  const topic = `ingest-${randomUUID()}`;
  const mock = await startKafkaMock({ brokers: 2, topics: [{ name: topic, partitions: 3 }] });
  const config = loadConfig({ KAFKA_BROKERS: mock.brokers.join(','), KAFKA_TOPIC: topic, TALLY_PUBLISH_TIMEOUT_MS: '1500', ...env });
  const log = createEventLog({ config, redis: unusedRedis, logger: pino({ level: 'silent' }) });
  const kafka = new Kafka({ clientId: 'ingest-reader', brokers: mock.brokers, logLevel: logLevel.NOTHING });
  let admin = kafka.admin();
  await admin.connect();
  let reader = await startTopicReader(kafka, topic);

  return {
    log,
    async read() {
      const offsets = await admin.fetchTopicOffsets(topic);
      await eventually(() => {
        for (const { partition, high } of offsets) {
          assert.ok((reader.consumedUpTo.get(partition) ?? 0) >= Number(high), `partition ${partition} read up to ${high}`);
        }
      }, { timeoutMs: 20_000 });
      assert.deepEqual(reader.skipped, [], 'every record in the topic decodes');
      return [...reader.records];
    },
    messages: () => [...reader.messages],
    // The reader and admin leave before the outage and come back after it: a kafkajs
    // consumer left fetching from brokers that vanish can spin in its fetch loop.
    async takeDown() {
      await reader.stop();
      await admin.disconnect();
      await mock.allDown();
    },
    async bringUp() {
      await mock.allUp();
      admin = kafka.admin();
      await admin.connect();
      reader = await startTopicReader(kafka, topic);
    },
    async close() {
      await log.close();
      await reader.stop();
      await admin.disconnect();
      await mock.stop();
    },
  };
}
