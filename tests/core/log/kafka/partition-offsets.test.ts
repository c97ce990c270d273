import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPartitionOffsets } from '../../../../core/log/kafka/partition-offsets.js';

const plain = (offsets: Map<number, bigint>) => Object.fromEntries([...offsets].map(([partition, offset]) => [partition, Number(offset)]));

test('the committable offset moves over the handled prefix of each partition only', () => {
  const offsets = createPartitionOffsets();
  const a = offsets.track(0, 0n, 10n);
  const b = offsets.track(0, 10n, 25n);
  const c = offsets.track(1, 4n, 8n);
  offsets.handled([b]);
  assert.deepEqual(plain(offsets.committable()), {}, 'a later batch done first commits nothing');
  offsets.handled([c]);
  assert.deepEqual(plain(offsets.committable()), { 1: 8 });
  offsets.handled([a]);
  assert.deepEqual(plain(offsets.committable()), { 0: 25, 1: 8 }, 'with the gap filled, both batches of partition 0 count');
});

test('a failure redelivers each partition from its first unhandled offset and forgets its later batches', () => {
  const offsets = createPartitionOffsets();
  const a = offsets.track(0, 0n, 10n);
  const b = offsets.track(0, 10n, 20n);
  const c = offsets.track(0, 20n, 30n);
  const d = offsets.track(1, 0n, 5n);
  offsets.handled([a]);
  const redeliver = offsets.failed([b, d]);
  assert.deepEqual(plain(redeliver), { 0: 10, 1: 0 });
  offsets.handled([c]);
  assert.deepEqual(plain(offsets.committable()), { 0: 10 }, 'a forgotten batch handled later moves nothing');
  const again = offsets.track(0, 10n, 30n);
  offsets.handled([again]);
  assert.deepEqual(plain(offsets.committable()), { 0: 30 }, 'the redelivered records move it on');
});

test('a failure of a batch behind an unhandled one redelivers from the earlier one', () => {
  const offsets = createPartitionOffsets();
  offsets.track(3, 0n, 10n);
  const later = offsets.track(3, 10n, 20n);
  assert.deepEqual(plain(offsets.failed([later])), { 3: 0 });
});

test('after a new generation nothing tracked before it is committed', () => {
  const offsets = createPartitionOffsets();
  const a = offsets.track(0, 0n, 10n);
  const b = offsets.track(1, 0n, 10n);
  offsets.handled([a]);
  offsets.reset();
  assert.deepEqual(plain(offsets.committable()), {}, 'handled offsets of the old generation are dropped');
  offsets.handled([b]);
  assert.deepEqual(offsets.failed([b]).size, 0, 'an old-generation failure asks for no redelivery either');
  assert.deepEqual(plain(offsets.committable()), {}, 'an old-generation batch finishing late commits nothing');
  assert.equal(offsets.takeUncommitted(), undefined);
});

test('commits are taken once per change, and again after a failed commit', () => {
  const offsets = createPartitionOffsets();
  assert.equal(offsets.takeUncommitted(), undefined, 'nothing handled, nothing to commit');
  offsets.handled([offsets.track(0, 0n, 3n)]);
  assert.deepEqual(plain(offsets.takeUncommitted()!), { 0: 3 });
  assert.equal(offsets.takeUncommitted(), undefined, 'unchanged since taken');
  offsets.commitFailed();
  assert.deepEqual(plain(offsets.takeUncommitted()!), { 0: 3 }, 'due again after a failed commit');
  offsets.handled([offsets.track(1, 7n, 9n)]);
  assert.deepEqual(plain(offsets.takeUncommitted()!), { 0: 3, 1: 9 });
});
