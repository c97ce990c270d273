import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ConsumedRecord } from '../../../../core/log/event-log.js';
import { eventually } from '../../../support/eventually.js';
import { startKafkaMock, type KafkaMock } from '../../../support/kafka-mock.js';
import { createAppliedStore, createConsumerFixture } from './consumer-fixture.js';

let mock: KafkaMock;
before(async () => {
  mock = await startKafkaMock({ brokers: 1 });
});
after(() => mock.stop());

const ids = (tag: string, from: number, count: number) => Array.from({ length: count }, (_, i) => `${tag}-${from + i}`);
const positions = (records: readonly ConsumedRecord[]) => records.map((r) => r.position);

test('a handler failure mid-pipeline: its partitions come again from the first unhandled record, and every record is applied', async () => {
  const fixture = await createConsumerFixture(mock, 3);
  const store = createAppliedStore();
  const stopWatching = store.watchCommits(fixture);
  try {
    for (const partition of [0, 1, 2]) await fixture.publish(partition, `p${partition}`, 0, 40);
    const calls: string[][] = [];
    const consumer = fixture.consumer({ commitIntervalMs: 0, batchMaxRecords: 40 });
    await consumer.start(async (records) => {
      calls.push(positions(records));
      if (calls.length === 2) {
        // Meanwhile more arrives: it is fetched ahead, and must not be committed or skipped either.
        for (const partition of [0, 1, 2]) await fixture.publish(partition, `p${partition}`, 40, 20);
        throw new Error('redis down');
      }
      store.apply(records);
    });
    const expected = [0, 1, 2].flatMap((partition) => ids(`p${partition}`, 0, 60));
    await eventually(() => assert.deepEqual([...store.applied.keys()].sort(), expected.sort(), 'every record applied'), { timeoutMs: 20_000 });
    await eventually(async () => assert.equal(await consumer.lag(), 0, 'the group committed everything'), { timeoutMs: 10_000 });
    const failed = calls[1]!;
    const handledLater = new Set(calls.slice(2).flat());
    assert.ok(failed.length > 0 && failed.every((position) => handledLater.has(position)), 'the failed call\'s records were delivered again');
  } finally {
    await stopWatching();
    await fixture.dispose();
  }
});

test('stop commits what was handled, not what kafkajs fetched ahead; the next member gets exactly the rest', async () => {
  const fixture = await createConsumerFixture(mock, 2);
  const store = createAppliedStore();
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  try {
    for (const partition of [0, 1]) await fixture.publish(partition, `p${partition}`, 0, 30);
    let calls = 0;
    // One call at a time: the held call is the last one handled.
    const first = fixture.consumer({ batchMaxRecords: 30, commitIntervalMs: 100, handlerConcurrency: 1 });
    await first.start(async (records) => {
      if (++calls === 2) await held;
      store.apply(records);
    });
    await eventually(() => assert.equal(calls, 2, 'the second call is held'), { timeoutMs: 15_000 });
    for (const partition of [0, 1]) await fixture.publish(partition, `p${partition}`, 30, 10);
    const kafkajs = fixture.observed[0]!;
    const queuedUpTo = (partition: number) =>
      Math.max(-1, ...kafkajs.events.filter((e) => e.type === 'END_BATCH_PROCESS' && e.payload.partition === partition).map((e) => Number(e.payload.lastOffset)));
    await eventually(() => assert.ok(queuedUpTo(0) === 39 && queuedUpTo(1) === 39, 'kafkajs fetched the new records ahead of the held call'), { timeoutMs: 10_000 });
    const stopping = first.stop();
    release();
    await stopping;
    assert.deepEqual(Object.fromEntries(await fixture.committed()), { 0: 30, 1: 30 }, 'committed up to the handled calls only');

    const rest: string[] = [];
    const second = fixture.consumer();
    await second.start(async (records) => void rest.push(...records.map((r) => r.record.event.id)));
    await eventually(() => assert.deepEqual(rest.sort(), [...ids('p0', 30, 10), ...ids('p1', 30, 10)].sort(), 'exactly the unhandled records'), { timeoutMs: 15_000 });
  } finally {
    release();
    await fixture.dispose();
  }
});

test('a rebalance while a call is in flight: it finishes without committing past what was handled, and nothing is missed', async () => {
  const fixture = await createConsumerFixture(mock, 4);
  const store = createAppliedStore();
  const stopWatching = store.watchCommits(fixture);
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  try {
    for (const partition of [0, 1, 2, 3]) await fixture.publish(partition, `p${partition}`, 0, 25);
    let calls = 0;
    const first = fixture.consumer({ batchMaxRecords: 25 });
    await first.start(async (records) => {
      if (++calls === 1) await held;
      store.apply(records);
    });
    await eventually(() => assert.ok(calls >= 1, 'the first call is held (others may run beside it)'), { timeoutMs: 15_000 });
    const second = fixture.consumer();
    await second.start(async (records) => store.apply(records));
    const joins = (n: number) => fixture.observed[n]!.events.filter((e) => e.type === 'GROUP_JOIN');
    await eventually(() => assert.ok(joins(0).length >= 2 && joins(1).length >= 1, 'both members in the new generation'), { timeoutMs: 20_000 });
    release();
    for (const partition of [0, 1, 2, 3]) await fixture.publish(partition, `p${partition}`, 25, 5);
    const expected = [0, 1, 2, 3].flatMap((partition) => ids(`p${partition}`, 0, 30));
    await eventually(() => assert.deepEqual([...store.applied.keys()].sort(), expected.sort(), 'every record applied'), { timeoutMs: 20_000 });
    await eventually(async () => assert.equal(await first.lag(), 0, 'the group committed everything'), { timeoutMs: 10_000 });
  } finally {
    release();
    await stopWatching();
    await fixture.dispose();
  }
});
