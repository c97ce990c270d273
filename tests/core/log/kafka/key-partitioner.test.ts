import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Partitioners, type PartitionerArgs } from 'kafkajs';
import { createKeyPartitioner, murmur2 } from '../../../../core/log/kafka/key-partitioner.js';

const metadata = (count: number, leader = 1): PartitionerArgs['partitionMetadata'] =>
  Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader, replicas: [leader], isr: [leader], offlineReplicas: [], partitionErrorCode: 0 }));

test('murmur2 matches the Java client on its published vectors', () => {
  // From Kafka's UtilsTest.testMurmur2.
  const cases: Array<[string, number]> = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [key, hash] of cases) assert.equal(murmur2(Buffer.from(key)), hash, key);
});

test('every key lands on the partition kafkajs would choose', () => {
  const ours = createKeyPartitioner();
  const theirs = Partitioners.DefaultPartitioner();
  const keys: Array<string | Buffer> = ['', 'a', 'ab', 'abc', 'cust-1', 'customer:Ünïcode-☕', 'consumer:9f1c…'];
  for (let i = 0; i < 500; i++) keys.push(`cust-${i}`, randomBytes(i % 23));
  for (const count of [1, 3, 8, 16, 64]) {
    for (const key of keys) {
      const args = { topic: 't', partitionMetadata: metadata(count), message: { key, value: 'v' } };
      assert.equal(ours(args), theirs(args), `${String(key)} over ${count} partitions`);
    }
  }
});

test('an explicit partition is kept; a message without a key still gets a partition', () => {
  const ours = createKeyPartitioner();
  assert.equal(ours({ topic: 't', partitionMetadata: metadata(8), message: { key: 'k', value: 'v', partition: 5 } }), 5);
  const chosen = ours({ topic: 't', partitionMetadata: metadata(8), message: { value: 'v' } });
  assert.ok(Number.isInteger(chosen) && chosen >= 0 && chosen < 8);
});
