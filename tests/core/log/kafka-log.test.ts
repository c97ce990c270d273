import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { loadConfig } from '../../../core/config/config.js';
import { createEventLog, createLogConsumer } from '../../../core/log/create-event-log.js';
import { startKafkaMock } from '../../support/kafka-mock.js';
import { createTracking } from './harness-tracking.js';
import { runLogContract, type LogHarness } from './log-contract.js';

const logger = pino({ level: 'silent' });
const unusedRedis = undefined as never; // the Kafka adapters never touch Redis

export async function startKafkaHarness(brokers = 1): Promise<LogHarness & { kafka: Kafka; topic: string }> {
  const topic = `events-${randomUUID()}`;
  const mock = await startKafkaMock({ brokers, topics: [{ name: topic, partitions: 3 }] });
  const config = loadConfig({
    KAFKA_BROKERS: mock.brokers.join(','),
    KAFKA_TOPIC: topic,
    KAFKA_GROUP_ID: `group-${randomUUID()}`,
    TALLY_PUBLISH_TIMEOUT_MS: '1500',
    TALLY_LOG_FETCH_WAIT_MS: '20',
    // A member joining a group that had one waits for the session timeout on the mock: keep it short.
    KAFKA_SESSION_TIMEOUT_MS: '6000',
  });
  const kafka = new Kafka({ clientId: 'harness', brokers: mock.brokers, logLevel: logLevel.NOTHING });
  const tracking = createTracking();
  return {
    kafka,
    topic,
    publishTimeoutMs: config.limits.publishTimeoutMs,
    createLog: () => tracking.log(createEventLog({ config, redis: unusedRedis, logger })),
    createConsumer: (consumerName) =>
      tracking.consumer(createLogConsumer({ config, redis: unusedRedis, logger, consumerName })),
    async readRaw() {
      const raw: Array<{ subject: string; namespace: string; ingestedAt: string; value: string }> = [];
      const reader = kafka.consumer({ groupId: `raw-${randomUUID()}`, maxWaitTimeInMs: 20 });
      await reader.connect();
      await reader.subscribe({ topic, fromBeginning: true });
      const high = (await kafka.admin().fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
      await new Promise<void>((resolve) => {
        void reader.run({
          eachMessage: async ({ message }) => {
            raw.push({
              subject: String(message.key),
              namespace: String(message.headers?.namespace),
              ingestedAt: String(message.headers?.ingested_at),
              value: String(message.value),
            });
            if (raw.length === high) resolve();
          },
        });
      });
      await reader.disconnect();
      return raw;
    },
    outage: () => mock.allDown(),
    recover: () => mock.allUp(),
    async dispose() {
      await tracking.closeAll();
      await mock.stop();
    },
  };
}

runLogContract('kafka', () => startKafkaHarness());
