import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message, PartitionerArgs } from 'kafkajs';
import type { LogRecord } from '../../../../core/events/cloud-event.js';
import { BATCH_CONTENT_TYPE, toBatchMessages } from '../../../../core/log/kafka/batch-messages.js';
import { messageLaneKey } from '../../../../core/log/kafka/kafka-messages.js';
import { createKeyPartitioner } from '../../../../core/log/kafka/key-partitioner.js';

const record = (id: string, subject: string, namespace = 'default', ingestedAt = '2026-01-02T03:04:06.000Z'): LogRecord => ({
  namespace,
  ingestedAt,
  event: { specversion: '1.0', id, source: 'gw', type: 'api', subject, time: '2026-01-02T03:04:05.000Z', data: { tokens: 3, note: 'größe' } },
});
const metadata = (count: number): PartitionerArgs['partitionMetadata'] =>
  Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], offlineReplicas: [], partitionErrorCode: 0 }));
/** Where kafkajs's partitioning puts a key over `count` partitions (ours matches kafkajs's default). */
const partitionOfKey = (key: Buffer, count: number) => createKeyPartitioner()({ topic: 't', partitionMetadata: metadata(count), message: { key, value: '' } });
/** The events of a record: the array of a batch record, or the one event of an event record. */
const eventsOf = (message: Message): LogRecord['event'][] => {
  const value = JSON.parse(String(message.value)) as LogRecord['event'] | LogRecord['event'][];
  const isBatch = message.headers?.['content-type'] !== undefined;
  assert.equal(Array.isArray(value), isBatch, 'an array exactly when the content type says so');
  if (isBatch) assert.equal(String(message.headers?.['content-type']), BATCH_CONTENT_TYPE);
  return Array.isArray(value) ? value : [value];
};
const ids = (message: Message) => eventsOf(message).map((event) => event.id);

test('a publish becomes one record per partition: events in order, key = first subject, which hashes to that partition', () => {
  const records = Array.from({ length: 100 }, (_, i) => record(`e${i}`, `cust-${i % 37}`));
  const messages = toBatchMessages(records, { partitions: 8, maxRecordBytes: 900_000 });
  assert.ok(messages.length <= 8 && messages.length > 1, `${messages.length} records`);
  assert.deepEqual(messages.flatMap(ids).sort(), records.map((r) => r.event.id).sort(), 'every event exactly once');
  for (const message of messages) {
    const key = message.key as Buffer;
    assert.equal(partitionOfKey(key, 8), message.partition, 'the key hashes to the record partition');
    const events = eventsOf(message);
    for (const event of events) assert.equal(partitionOfKey(Buffer.from(event.subject), 8), message.partition, `${event.subject} belongs here`);
    assert.equal(key.toString(), events[0]!.subject);
    const positions = events.map((event) => Number(event.id.slice(1)));
    assert.deepEqual(positions, [...positions].sort((a, b) => a - b), 'publish order kept within the record');
    assert.ok(events.length > 1, 'several events per partition in this publish');
    assert.equal(String(message.headers?.namespace), 'default');
    assert.equal(String(message.headers?.ingested_at), '2026-01-02T03:04:06.000Z');
    assert.equal(messageLaneKey(message), `#${message.partition}`, 'a partition keeps one lane');
  }
});

test('a different namespace or ingest time gets records of its own', () => {
  const messages = toBatchMessages(
    [record('a', 's'), record('b', 's'), record('c', 's', 'other'), record('d', 's', 'other', '2026-01-02T03:04:07.000Z'), record('e', 's', 'other', '2026-01-02T03:04:07.000Z')],
    { partitions: 1, maxRecordBytes: 900_000 },
  );
  assert.deepEqual(messages.map(ids), [['a', 'b'], ['c'], ['d', 'e']]);
  assert.equal(String(messages[1]!.headers?.namespace), 'other');
  assert.equal(String(messages[2]!.headers?.ingested_at), '2026-01-02T03:04:07.000Z');
});

test('before the partition count is known, events are grouped by subject and partitioned by their key', () => {
  const messages = toBatchMessages([record('1', 'a'), record('2', 'b'), record('3', 'a')], { partitions: undefined, maxRecordBytes: 900_000 });
  assert.deepEqual(messages.map(ids), [['1', '3'], ['2']]);
  assert.deepEqual(messages.map((m) => [String(m.key), m.partition]), [['a', undefined], ['b', undefined]]);
  assert.equal(messageLaneKey(messages[0]!), 'a');
});

test('a record is closed before its value would exceed the bound; an event larger than it travels alone', () => {
  const records = Array.from({ length: 10 }, (_, i) => record(`e${i}`, 's'));
  const oneEvent = Buffer.byteLength(JSON.stringify(records[0]!.event));
  const messages = toBatchMessages(records, { partitions: 4, maxRecordBytes: 3 * (oneEvent + 1) + 1 });
  assert.deepEqual(messages.map(ids), [['e0', 'e1', 'e2'], ['e3', 'e4', 'e5'], ['e6', 'e7', 'e8'], ['e9']]);
  for (const message of messages) assert.ok((message.value as Buffer).length <= 3 * (oneEvent + 1) + 1, 'within the bound');
  assert.deepEqual(toBatchMessages(records.slice(0, 2), { partitions: 4, maxRecordBytes: 10 }).map(ids), [['e0'], ['e1']]);
});

test('an event alone in its record is written as an event record: its JSON, no content type', () => {
  const [alone, together] = toBatchMessages([record('a', 'x'), record('b', 'y'), record('c', 'y')], { partitions: undefined, maxRecordBytes: 900_000 });
  assert.deepEqual(JSON.parse(String(alone!.value)), record('a', 'x').event);
  assert.deepEqual(Object.keys(alone!.headers ?? {}).sort(), ['ingested_at', 'namespace']);
  assert.equal(String(together!.headers?.['content-type']), BATCH_CONTENT_TYPE);
  assert.deepEqual(ids(together!), ['b', 'c']);
});

test('events that bring their JSON text are carried as that text, byte for byte', () => {
  const text = '{ "specversion": "1.0", "id": "e9", "source": "gw", "type": "api", "subject": "s", "time": "2026-01-02T03:04:05.000Z", "data": null }';
  const [message] = toBatchMessages([{ ...record('e9', 's'), json: text }, record('e10', 's')], { partitions: 3, maxRecordBytes: 900_000 });
  assert.equal(String(message!.value), `[${text},${JSON.stringify(record('e10', 's').event)}]`);
});
