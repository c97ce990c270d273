import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BATCH_CONTENT_TYPE } from '../../../core/log/kafka/batch-messages.js';
import { createKafkaLogUnderTest, type KafkaLogUnderTest } from './kafka-log-under-test.js';
import { ingestSuite } from './ingest-suite.js';

/** The ingest suite with ingest writing batch records: what the topic holds must decode to the same events. */
let underTest: KafkaLogUnderTest | undefined;
ingestSuite('kafka, batch records', async () => (underTest = await createKafkaLogUnderTest({ KAFKA_RECORD_FORMAT: 'batch' })));

test('in batch mode every record is a batch record, and the events of a request bound for one partition share one', () => {
  const messages = underTest?.messages() ?? [];
  assert.ok(messages.length > 0, 'the suite left records in the topic');
  for (const message of messages) {
    assert.equal(message.headers?.['content-type']?.toString(), BATCH_CONTENT_TYPE);
    assert.ok(Array.isArray(JSON.parse(message.value?.toString() ?? '')), 'the value is a JSON array');
  }
  // The suite posts batches of one subject (customer-1): each such request is one record.
  assert.ok(messages.some((message) => (JSON.parse(message.value?.toString() ?? '[]') as unknown[]).length > 1), 'some record carries several events');
});
