import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogRecord } from '../../../../core/events/cloud-event.js';
import type { ConsumedRecord } from '../../../../core/log/event-log.js';
import { createBatchJoiner } from '../../../../core/log/kafka/batch-joiner.js';

const records = (partition: number, count: number): ConsumedRecord[] =>
  Array.from({ length: count }, (_, offset) => ({ record: {} as LogRecord, position: `${partition}:${offset}` }));

test('batches handed over in the same turn go to the handler as one', async () => {
  const calls: string[][] = [];
  const join = createBatchJoiner(async (batch) => {
    calls.push(batch.map((r) => r.position));
  });
  await Promise.all([join(records(0, 2)), join(records(1, 1)), join(records(2, 3))]);
  assert.deepEqual(calls, [['0:0', '0:1', '1:0', '2:0', '2:1', '2:2']]);
});

test('no caller resolves before the joint batch is handled', async () => {
  let release: () => void = () => undefined;
  const handled = new Promise<void>((resolve) => {
    release = resolve;
  });
  const join = createBatchJoiner(() => handled);
  const settled: number[] = [];
  const callers = [join(records(0, 1)).then(() => settled.push(0)), join(records(1, 1)).then(() => settled.push(1))];
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(settled, [], 'nothing resolves while the writes are in flight');
  release();
  await Promise.all(callers);
  assert.deepEqual(settled.sort(), [0, 1]);
});

test('a failed joint batch rejects every caller, and the next turn starts a new one', async () => {
  let fail = true;
  const sizes: number[] = [];
  const join = createBatchJoiner(async (batch) => {
    sizes.push(batch.length);
    if (fail) throw new Error('redis down');
  });
  const outcomes = await Promise.allSettled([join(records(0, 1)), join(records(1, 2))]);
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['rejected', 'rejected'],
  );
  fail = false;
  await join(records(0, 1));
  assert.deepEqual(sizes, [3, 1]);
});

test('an empty batch does not call the handler', async () => {
  let calls = 0;
  const join = createBatchJoiner(async () => {
    calls++;
  });
  await join([]);
  assert.equal(calls, 0);
});
