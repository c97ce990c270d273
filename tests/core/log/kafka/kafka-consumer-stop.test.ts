import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { Kafka, logLevel, type Consumer, type ConsumerConfig, type ConsumerCrashEvent } from 'kafkajs';
import { pino } from 'pino';
import type { LogConsumer } from '../../../../core/log/event-log.js';
import { createKafkaConsumer } from '../../../../core/log/kafka/kafka-consumer.js';
import { eventually } from '../../../support/eventually.js';
import { startKafkaMock, type KafkaMock } from '../../../support/kafka-mock.js';

let mock: KafkaMock | undefined;
after(() => mock?.stop());

/**
 * kafkajs, after a crash, disconnects, asks whether to restart, then
 * schedules the restart. A stop() in that window used to clear a timer not
 * yet set, and the consumer came back later, rejoining the group. The stop
 * is issued here from inside the window: the moment kafkajs logs the crash.
 */
test('a consumer stopped while kafkajs handles a crash is not restarted', async () => {
  const topic = `stop-${randomUUID()}`;
  mock = await startKafkaMock({ brokers: 1, topics: [{ name: topic, partitions: 1 }] });
  const crashes: ConsumerCrashEvent['payload'][] = [];
  let consumer: LogConsumer | undefined;
  let stopping: Promise<void> | undefined;
  const kafka = new Kafka({
    clientId: 'stop-test',
    brokers: mock.brokers,
    retry: { initialRetryTime: 50, maxRetryTime: 200, retries: 2 },
    connectionTimeout: 300,
    logLevel: logLevel.ERROR,
    logCreator: () => ({ log }) => {
      if (!stopping && String(log.message).startsWith('Crash:')) stopping = consumer?.stop();
    },
  });
  // Observe the crash decisions of the kafkajs consumer inside the adapter (restart or not).
  const createConsumer = kafka.consumer.bind(kafka);
  kafka.consumer = (config: ConsumerConfig): Consumer => {
    const created = createConsumer(config);
    created.on(created.events.CRASH, ({ payload }) => void crashes.push(payload));
    return created;
  };

  consumer = createKafkaConsumer({ kafka, topic, groupId: `g-${randomUUID()}`, fetchWaitMs: 20, sessionTimeoutMs: 6_000, logger: pino({ level: 'silent' }) });
  const delivered: string[] = [];
  await consumer.start(async (records) => void delivered.push(...records.map((r) => r.position)));
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ key: 's', value: '{"id":"1"}', headers: { namespace: 'default', ingested_at: new Date().toISOString() } }] });
  await producer.disconnect();
  await eventually(() => assert.deepEqual(delivered, ['0:0'], 'the consumer runs before the outage'), { timeoutMs: 15_000 });

  await mock.allDown();
  await eventually(() => assert.ok(crashes.length > 0, 'the outage crashes the consumer'), { timeoutMs: 20_000 });
  assert.ok(stopping, 'stop() was called when the crash was logged, before kafkajs decided about a restart');
  await stopping;
  assert.deepEqual(
    crashes.map((crash) => ({ error: crash.error.name, restart: crash.restart })),
    [{ error: crashes[0]!.error.name, restart: false }],
    'the crash of a stopped consumer schedules no restart',
  );
});
