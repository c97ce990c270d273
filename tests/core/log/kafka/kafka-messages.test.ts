import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CloudEvent, LogRecord } from '../../../../core/events/cloud-event.js';
import { messageBytes, messageLaneKey, toKafkaMessages } from '../../../../core/log/kafka/kafka-messages.js';

const event = (id: string, subject: string): CloudEvent => ({
  specversion: '1.0',
  id,
  source: 'gw',
  type: 'api',
  subject,
  time: '2026-01-02T03:04:05.000Z',
  data: { tokens: 3, note: 'größe' },
});
const record = (id: string, subject: string, namespace = 'default', ingestedAt = '2026-01-02T03:04:06.000Z'): LogRecord => ({
  namespace,
  ingestedAt,
  event: event(id, subject),
});

test('a message carries the subject as key, the event JSON as value and namespace and ingest time as headers', () => {
  const [message] = toKafkaMessages([record('e1', 'cüstomer-1')]);
  assert.ok(message);
  assert.equal((message.key as Buffer).toString('utf8'), 'cüstomer-1');
  assert.deepEqual(JSON.parse((message.value as Buffer).toString('utf8')), event('e1', 'cüstomer-1'));
  assert.equal(String(message.headers?.namespace), 'default');
  assert.equal(String(message.headers?.ingested_at), '2026-01-02T03:04:06.000Z');
  assert.equal(messageBytes(message), Buffer.byteLength(JSON.stringify(event('e1', 'cüstomer-1'))));
});

test('records of one request share their headers; a different namespace or ingest time gets its own', () => {
  const messages = toKafkaMessages([
    record('a', 's1'),
    record('b', 's2'),
    record('c', 's3', 'other'),
    record('d', 's4', 'other', '2026-01-02T03:04:07.000Z'),
  ]);
  assert.equal(messages.length, 4);
  assert.equal(messages[0]!.headers, messages[1]!.headers);
  assert.notEqual(messages[1]!.headers, messages[2]!.headers);
  assert.equal(String(messages[2]!.headers?.namespace), 'other');
  assert.equal(String(messages[3]!.headers?.ingested_at), '2026-01-02T03:04:07.000Z');
  assert.deepEqual(messages.map((m) => JSON.parse(String(m.value)).id), ['a', 'b', 'c', 'd']);
});

test('equal subjects map to equal lane keys and different ones to different keys', () => {
  const [a, b, c] = toKafkaMessages([record('1', 'ünï'), record('2', 'ünï'), record('3', 'uni')]);
  assert.equal(messageLaneKey(a!), messageLaneKey(b!));
  assert.notEqual(messageLaneKey(a!), messageLaneKey(c!));
});

test('a record that brings its JSON text is carried as that text, byte for byte', () => {
  const text = '{ "specversion": "1.0", "id": "e9", "source": "gw", "type": "api", "subject": "s", "time": "2026-01-02T03:04:05.000Z", "data": null }';
  const [message] = toKafkaMessages([{ ...record('e9', 's'), json: text }]);
  assert.ok(message);
  assert.equal((message.value as Buffer).toString('utf8'), text);
  assert.equal(messageBytes(message), Buffer.byteLength(text));
});
