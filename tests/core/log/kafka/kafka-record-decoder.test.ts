import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { BATCH_CONTENT_TYPE } from '../../../../core/log/kafka/batch-messages.js';
import { decodeKafkaMessage } from '../../../../core/log/kafka/kafka-record-decoder.js';

const batchHeaders: IHeaders = { 'content-type': Buffer.from(BATCH_CONTENT_TYPE), namespace: Buffer.from('default'), ingested_at: Buffer.from('2026-01-02T03:04:06.000Z') };
const message = (value: string | null, headers: IHeaders = batchHeaders, offset = '41'): KafkaMessage => ({
  key: Buffer.from('s'),
  value: value === null ? null : Buffer.from(value),
  headers,
  offset,
  timestamp: '0',
  attributes: 0,
});
const event = (id: string) => ({ specversion: '1.0', id, source: 'gw', type: 'api', subject: 's', time: '2026-01-02T03:04:05.000Z', data: null });

/** Decodes one message, returning what it yields and what it skipped. */
function decode(input: KafkaMessage) {
  const skipped: Array<{ position: string; error: string }> = [];
  const records = decodeKafkaMessage(input, 2, (error, position) => skipped.push({ position, error: String(error) }));
  return { records, skipped };
}

test('an event record decodes to one record at <partition>:<offset>', () => {
  const { namespace, ingested_at } = batchHeaders;
  const { records, skipped } = decode(message(JSON.stringify(event('a')), { namespace, ingested_at }));
  assert.deepEqual(skipped, []);
  // The event's text rides along (the feed stores it as it is).
  assert.deepEqual(records, [{ record: { namespace: 'default', ingestedAt: '2026-01-02T03:04:06.000Z', event: event('a'), json: JSON.stringify(event('a')) }, position: '2:41' }]);
});

test('a batch record decodes to its events in order, at <partition>:<offset>#<index>', () => {
  const { records, skipped } = decode(message(JSON.stringify([event('a'), event('b'), event('c')])));
  assert.deepEqual(skipped, []);
  assert.deepEqual(records.map((r) => [r.record.event.id, r.position]), [['a', '2:41#0'], ['b', '2:41#1'], ['c', '2:41#2']]);
  assert.ok(records.every((r) => r.record.namespace === 'default' && r.record.ingestedAt === '2026-01-02T03:04:06.000Z'));
});

test('an empty batch record carries no events and is not an error', () => {
  assert.deepEqual(decode(message('[]')), { records: [], skipped: [] });
});

test('a malformed batch record, a non-array and a batch without a value are skipped whole, with their position', () => {
  for (const value of ['[{"id":', '{"id":"a"}', '"text"', null]) {
    const { records, skipped } = decode(message(value));
    assert.deepEqual(records, [], String(value));
    assert.deepEqual(skipped.map((s) => s.position), ['2:41'], String(value));
  }
  assert.match(decode(message('{"id":"a"}')).skipped[0]!.error, /not a JSON array/);
});

test('a batch record without namespace or ingest time is skipped whole', () => {
  const { records, skipped } = decode(message(JSON.stringify([event('a')]), { 'content-type': BATCH_CONTENT_TYPE }));
  assert.deepEqual(records, []);
  assert.match(skipped[0]!.error, /lacks namespace, ingested_at or value/);
});

test('an element that is not an event is skipped alone; the rest of its record is kept', () => {
  const { records, skipped } = decode(message(JSON.stringify([event('a'), 7, null, [event('x')], event('b')])));
  assert.deepEqual(records.map((r) => [r.record.event.id, r.position]), [['a', '2:41#0'], ['b', '2:41#4']]);
  assert.deepEqual(skipped.map((s) => s.position), ['2:41#1', '2:41#2', '2:41#3']);
});

test('an event record that is not an event object is skipped, as before', () => {
  const { namespace, ingested_at } = batchHeaders;
  for (const value of ['not json', '[1]', JSON.stringify([event('a')])]) {
    const { records, skipped } = decode(message(value, { namespace, ingested_at }));
    assert.deepEqual(records, [], value);
    assert.deepEqual(skipped.map((s) => s.position), ['2:41'], value);
  }
});
