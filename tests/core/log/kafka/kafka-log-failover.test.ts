import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../../../../core/config/config.js';
import type { LogRecord } from '../../../../core/events/cloud-event.js';
import { createEventLog } from '../../../../core/log/create-event-log.js';
import { murmur2 } from '../../../../core/log/kafka/key-partitioner.js';
import { startKafkaMock } from '../../../support/kafka-mock.js';
import { createKafkaTopicAudit } from '../../../support/kafka-topic-audit.js';

const record = (id: string, subject: string): LogRecord => ({
  namespace: 'default',
  ingestedAt: new Date().toISOString(),
  event: { specversion: '1.0', id, source: 'failover', type: 'api', subject, time: new Date().toISOString(), data: null },
});
/** A subject whose events land on `partition` of `count`. */
const subjectOn = (partition: number, count: number): string => {
  for (let i = 0; ; i++) if ((murmur2(Buffer.from(`s-${i}`)) & 0x7fffffff) % count === partition) return `s-${i}`;
};

/**
 * Contract 1 across a leader change: the producer's metadata still names
 * broker 1 as partition 0's leader when the send goes out, so broker 1
 * refuses its share while broker 2 stores its own. kafkajs's own retry
 * would then skip broker 2 (it answered) although partition 0 now lives
 * there, and resolve: the publish would be acknowledged without partition
 * 0's events.
 */
for (const format of ['event', 'batch'] as const) {
  test(`${format} records: a share refused by a partition's old leader reaches the new one before the publish resolves`, async () => {
    const topic = `failover-${randomUUID()}`;
    // Partition 0 is led by broker 1, partition 1 by broker 2.
    const mock = await startKafkaMock({ brokers: 2, topics: [{ name: topic, partitions: 2 }] });
    const config = loadConfig({ KAFKA_BROKERS: mock.brokers.join(','), KAFKA_TOPIC: topic, TALLY_PUBLISH_TIMEOUT_MS: '5000', KAFKA_RECORD_FORMAT: format });
    const log = createEventLog({ config, redis: undefined as never, logger: pino({ level: 'silent' }) });
    try {
      await log.publish([record('warm-up-0', subjectOn(0, 2)), record('warm-up-1', subjectOn(1, 2))]); // metadata cached
      // Partition 0 moves to broker 2 (broker 1 down, then back), unknown to the producer.
      await mock.brokerDown(1);
      await mock.brokerUp(1);
      const records = ['p0-a', 'p0-b', 'p0-c'].map((id) => record(id, subjectOn(0, 2))).concat(['p1-a', 'p1-b', 'p1-c'].map((id) => record(id, subjectOn(1, 2))));
      await log.publish(records);
      const inTopic = new Set((await createKafkaTopicAudit(mock.brokers, topic).entries()).map((entry) => entry.id));
      assert.deepEqual(records.map((r) => r.event.id).filter((id) => !inTopic.has(id)), [], 'every event of the acknowledged publish is in the topic');
    } finally {
      await log.close();
      await mock.stop();
    }
  });
}
