import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type ConsumerConfig, type Producer } from 'kafkajs';
import { pino } from 'pino';
import type { ConsumedRecord, LogConsumer } from '../../../../core/log/event-log.js';
import { createKafkaConsumer, type KafkaConsumerOptions } from '../../../../core/log/kafka/kafka-consumer.js';
import type { KafkaMock } from '../../../support/kafka-mock.js';

/** kafkajs consumers the adapter creates, with the instrumentation events each emitted (GROUP_JOIN, CRASH...). */
export interface ObservedConsumer {
  events: Array<{ type: string; payload: Record<string, unknown> }>;
}

/**
 * One topic and group over the file's mock cluster, the real kafkajs client
 * underneath the adapter, and what a test needs to watch it: publishing to
 * chosen partitions, the group's committed offsets, and kafkajs's events.
 */
export async function createConsumerFixture(mock: KafkaMock, partitions: number) {
  const topic = `pipeline-${randomUUID()}`;
  const groupId = `group-${randomUUID()}`;
  await mock.createTopic(topic, partitions);
  const kafka = new Kafka({
    clientId: 'pipeline-test',
    brokers: mock.brokers,
    retry: { initialRetryTime: 50, maxRetryTime: 300, retries: 3 },
    logLevel: logLevel.NOTHING,
  });
  const observed: ObservedConsumer[] = [];
  const createConsumer = kafka.consumer.bind(kafka);
  kafka.consumer = (config: ConsumerConfig): Consumer => {
    const created = createConsumer(config);
    const watched: ObservedConsumer = { events: [] };
    observed.push(watched);
    for (const name of ['GROUP_JOIN', 'CRASH', 'END_BATCH_PROCESS', 'COMMIT_OFFSETS'] as const) {
      created.on(created.events[name], (event: { type: string; payload: unknown }) => {
        watched.events.push({ type: name, payload: event.payload as Record<string, unknown> });
      });
    }
    return created;
  };
  const admin = kafka.admin();
  await admin.connect();
  let producer: Producer | undefined;
  const started: LogConsumer[] = [];

  return {
    kafka,
    topic,
    groupId,
    observed,
    /** Publishes `count` records to `partition`, ids `<tag>-<n>`, in one send. */
    async publish(partition: number, tag: string, from: number, count: number) {
      if (!producer) {
        producer = kafka.producer();
        await producer.connect();
      }
      const headers = { namespace: 'default', ingested_at: new Date().toISOString() };
      const messages = Array.from({ length: count }, (_, i) => {
        const id = `${tag}-${from + i}`;
        return { partition, key: `s${partition}`, headers, value: JSON.stringify({ specversion: '1.0', id, source: 'test', type: 'request', subject: `s${partition}` }) };
      });
      await producer.send({ topic, messages });
    },
    /** The group's committed offset per partition (absent: none committed). */
    async committed(): Promise<Map<number, number>> {
      const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return new Map((entry?.partitions ?? []).filter((p) => Number(p.offset) >= 0).map((p) => [p.partition, Number(p.offset)]));
    },
    consumer(options: Partial<KafkaConsumerOptions> = {}): LogConsumer {
      const consumer = createKafkaConsumer({ kafka, topic, groupId, fetchWaitMs: 20, sessionTimeoutMs: 6_000, logger: pino({ level: 'silent' }), ...options });
      started.push(consumer);
      return consumer;
    },
    /** Stops every consumer made here (again, if a test did already) and the clients. */
    async dispose() {
      await Promise.all(started.map((consumer) => consumer.stop()));
      await producer?.disconnect();
      await admin.disconnect();
    },
  };
}

export type ConsumerFixture = Awaited<ReturnType<typeof createConsumerFixture>>;

/**
 * Stands for the worker's idempotent writes: records applied per id, and per
 * partition the offsets handled so far (all calls that resolved). Checking
 * the group's commits against it proves they never passed an unhandled
 * record, at every moment the watcher looked.
 */
export function createAppliedStore() {
  const applied = new Map<string, number>();
  const handledUpTo = new Map<number, number>();
  return {
    applied,
    /** Writes the records (the caller resolves the handler after this). */
    apply(records: readonly ConsumedRecord[]) {
      for (const { record, position } of records) {
        applied.set(record.event.id, (applied.get(record.event.id) ?? 0) + 1);
        const [partition, offset] = position.split(/[:#]/).map(Number) as [number, number];
        handledUpTo.set(partition, Math.max(handledUpTo.get(partition) ?? 0, offset + 1));
      }
    },
    /** Polls the committed offsets until stopped; rejects at the first one past the handled records. */
    watchCommits(fixture: ConsumerFixture) {
      let running = true;
      const watching = (async () => {
        while (running) {
          const committed = await fixture.committed();
          for (const [partition, offset] of committed) {
            assert.ok(offset <= (handledUpTo.get(partition) ?? 0), `partition ${partition} committed ${offset} past the handled ${handledUpTo.get(partition) ?? 0}`);
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      // Kept handled until the test awaits it: a failed check must not end the process as an unhandled rejection.
      watching.catch(() => {});
      return async () => {
        running = false;
        await watching;
      };
    },
  };
}
