import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import type { LogRecord } from '../../../core/events/cloud-event.js';
import { createEventLog } from '../../../core/log/create-event-log.js';
import { BATCH_CONTENT_TYPE } from '../../../core/log/kafka/batch-messages.js';
import { eventually } from '../../support/eventually.js';
import { useKafkaWorkerHarness } from './kafka-worker-harness.js';
import { usageRecord } from './worker-harness.js';

const kafka = useKafkaWorkerHarness();

test('a topic holding both record formats (and duplicates across them) gives exact meters', async () => {
  const h = await kafka.harness();
  const topic = h.config.kafka!.topic;
  assert.equal(h.config.kafka?.recordFormat, 'event');
  // Ingest switched to batch records: a second log on the same topic writes them.
  const batchConfig = { ...h.config, kafka: { ...h.config.kafka!, recordFormat: 'batch' as const } };
  const batchLog = createEventLog({ config: batchConfig, redis: h.redis, logger: pino({ level: 'silent' }) });
  const producer = new Kafka({ clientId: 'formats-raw', brokers: kafka.brokers(), logLevel: logLevel.NOTHING }).producer();
  try {
    await h.meters.create({ slug: 'tokens', aggregation: 'SUM', eventType: 'kong.llm_request', valueProperty: '$.tokens' });
    await h.meters.create({ slug: 'calls', aggregation: 'COUNT', eventType: 'kong.llm_request' });
    const acme = (await h.customers.create({ name: 'Acme', key: 'acme' })).id;
    const globex = (await h.customers.create({ name: 'Globex', key: 'globex', usageAttribution: { subjectKeys: ['globex-gw'] } })).id;
    const subjects = ['acme', 'globex', 'globex-gw'];
    const records: LogRecord[] = Array.from({ length: 240 }, (_, i) => usageRecord(subjects[i % 3]!, { tokens: i }));

    await h.publish(records.slice(0, 80)); // event records
    await batchLog.publish(records.slice(80, 160)); // batch records
    await batchLog.publish(records.slice(40, 120)); // redelivered across both formats
    const member = await h.startMember('a');
    await h.publish(records.slice(160, 200));
    await batchLog.publish(records.slice(200));
    // Not written by Tally: one element of a batch record is no event; its neighbour still counts.
    const stray = usageRecord('acme', { tokens: 1000 });
    await producer.connect();
    await producer.send({
      topic,
      messages: [{ key: 'acme', value: JSON.stringify([stray.event, 42]), headers: { 'content-type': BATCH_CONTENT_TYPE, namespace: 'default', ingested_at: stray.ingestedAt } }],
    });

    const sum = (subjectsOf: string[]) => records.filter((r) => subjectsOf.includes(r.event.subject)).reduce((total, r) => total + Number(r.event.data?.tokens), 0);
    await eventually(async () => {
      assert.deepEqual(await h.totals('calls'), { [acme]: 81, [globex]: 160 }, 'every event counted once');
      assert.deepEqual(await h.totals('tokens'), { [acme]: sum(['acme']) + 1000, [globex]: sum(['globex', 'globex-gw']) }, 'token sums');
    }, { timeoutMs: 20_000 });
    await eventually(async () => assert.match(await member.registry.metrics(), /^tally_worker_duplicates_skipped_total 80$/m, 'the redelivered events were skipped'));
  } finally {
    await producer.disconnect();
    await batchLog.close();
    await h.dispose();
  }
});
