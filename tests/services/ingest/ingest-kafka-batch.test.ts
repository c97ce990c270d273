import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BATCH_CONTENT_TYPE } from '../../../core/log/kafka/batch-messages.js';
import { createKafkaLogUnderTest, type KafkaLogUnderTest } from './kafka-log-under-test.js';
import { ingestSuite } from './ingest-suite.js';

/** The ingest suite with ingest writing batch records: what the topic holds must decode to the same events. */
let underTest: KafkaLogUnderTest | undefined;
ingestSuite('kafka, batch records', async () => (underTest = await createKafkaLogUnderTest({ KAFKA_RECORD_FORMAT: 'batch' })));

test('in batch mode the events of a request bound for one partition share a record; an event alone is an event record', () => {
  const messages = underTest?.messages() ?? [];
  assert.ok(messages.length > 0, 'the suite left records in the topic');
  let batchRecords = 0;
  for (const message of messages) {
    const value: unknown = JSON.parse(message.value?.toString() ?? '');
    if (message.headers?.['content-type'] === undefined) {
      assert.ok(!Array.isArray(value), 'an event record holds one event');
      continue;
    }
    assert.equal(message.headers['content-type'].toString(), BATCH_CONTENT_TYPE);
    assert.ok(Array.isArray(value) && value.length > 1, 'a batch record holds several events');
    batchRecords++;
  }
  // The suite posts batches of one subject (customer-1): each such request is one record.
  assert.ok(batchRecords > 0, 'some requests were written as batch records');
});
