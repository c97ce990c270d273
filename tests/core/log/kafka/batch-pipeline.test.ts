import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import type { ConsumedRecord } from '../../../../core/log/event-log.js';
import { createBatchPipeline, type BatchPipelineOptions, type QueuedBatch } from '../../../../core/log/kafka/batch-pipeline.js';
import { createPartitionOffsets, type PartitionOffsets } from '../../../../core/log/kafka/partition-offsets.js';
import { eventually } from '../../../support/eventually.js';

const logger = pino({ level: 'silent' });

function record(partition: number, offset: number): ConsumedRecord {
  const event = { specversion: '1.0' as const, id: `${partition}-${offset}`, source: 'test', type: 'request', subject: `s${partition}`, time: new Date(0).toISOString(), data: {} };
  return { record: { namespace: 'default', ingestedAt: new Date(0).toISOString(), event }, position: `${partition}:${offset}` };
}

function batch(offsets: PartitionOffsets, partition: number, from: number, count: number): QueuedBatch {
  const records = Array.from({ length: count }, (_, i) => record(partition, from + i));
  return { range: offsets.track(partition, BigInt(from), BigInt(from + count)), records };
}

/** A handler that holds every call until the test settles it. */
function createHeldHandler() {
  const calls: Array<{ positions: string[]; settle(error?: Error): void }> = [];
  const handler = (records: readonly ConsumedRecord[]) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ positions: records.map((r) => r.position), settle: (error) => (error ? reject(error) : resolve()) });
    });
  return { calls, handler };
}

function setup(overrides: Partial<BatchPipelineOptions> = {}) {
  const offsets = createPartitionOffsets();
  const held = createHeldHandler();
  const redelivered: Array<[number, number]> = [];
  const pipeline = createBatchPipeline({
    handler: held.handler,
    offsets,
    maxRecords: 10,
    maxQueuedRecords: 20,
    redeliver: (partition, offset) => void redelivered.push([partition, Number(offset)]),
    logger,
    ...overrides,
  });
  const committable = () => Object.fromEntries([...offsets.committable()].map(([p, o]) => [p, Number(o)]));
  return { offsets, pipeline, calls: held.calls, redelivered, committable };
}

test('batches queued during a call are joined, across partitions, up to maxRecords, in order', async () => {
  const { offsets, pipeline, calls, committable } = setup();
  pipeline.push(batch(offsets, 0, 0, 2));
  await eventually(() => assert.equal(calls.length, 1, 'the first batch is handled at once'));
  pipeline.push(batch(offsets, 1, 0, 4));
  pipeline.push(batch(offsets, 0, 2, 3));
  pipeline.push(batch(offsets, 2, 0, 5));
  calls[0]!.settle();
  await eventually(() => assert.equal(calls.length, 2, 'the queued batches go in one call'));
  assert.deepEqual(calls[1]!.positions, ['1:0', '1:1', '1:2', '1:3', '0:2', '0:3', '0:4'], 'joined up to 10 records, fetch order kept');
  assert.deepEqual(committable(), { 0: 2 }, 'only the handled call counts');
  calls[1]!.settle();
  await eventually(() => assert.equal(calls.length, 3, 'the batch that did not fit goes next'));
  assert.deepEqual(calls[2]!.positions, ['2:0', '2:1', '2:2', '2:3', '2:4']);
  assert.deepEqual(committable(), { 0: 5, 1: 4 });
  calls[2]!.settle();
  await pipeline.stop();
  assert.deepEqual(committable(), { 0: 5, 1: 4, 2: 5 });
});

test('a failed call sends its partitions back to their first unhandled offset and drops their queued batches', async () => {
  const { offsets, pipeline, calls, redelivered, committable } = setup({ maxRecords: 4 });
  pipeline.push(batch(offsets, 0, 0, 2));
  await eventually(() => assert.equal(calls.length, 1, 'first call'));
  calls[0]!.settle();
  pipeline.push(batch(offsets, 0, 2, 2));
  pipeline.push(batch(offsets, 1, 0, 2));
  await eventually(() => assert.equal(calls.length, 2, 'second call'));
  pipeline.push(batch(offsets, 0, 4, 2));
  pipeline.push(batch(offsets, 2, 0, 2));
  calls[1]!.settle(new Error('redis down'));
  await eventually(() => assert.equal(calls.length, 3, 'the pipeline goes on after a pause'));
  assert.deepEqual(redelivered, [[0, 2], [1, 0]], 'partitions of the failed call, from their first unhandled offsets');
  assert.deepEqual(calls[2]!.positions, ['2:0', '2:1'], 'partition 0\'s later batch was dropped, partition 2\'s kept');
  calls[2]!.settle();
  await pipeline.stop();
  assert.deepEqual(committable(), { 0: 2, 2: 2 }, 'nothing past the failed records is committable');
});

test('fetching waits for room while too much is queued', async () => {
  const { offsets, pipeline, calls } = setup({ maxRecords: 10, maxQueuedRecords: 10 });
  pipeline.push(batch(offsets, 0, 0, 5));
  await eventually(() => assert.equal(calls.length, 1, 'first call'));
  pipeline.push(batch(offsets, 0, 5, 10));
  assert.equal(pipeline.hasRoom(), false, 'ten records queued behind the call in flight');
  let roomed = false;
  const waiting = pipeline.waitForRoom(60_000).then(() => {
    roomed = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(roomed, false, 'still full');
  calls[0]!.settle();
  await waiting;
  assert.equal(pipeline.hasRoom(), true, 'the queued batch was taken');
  calls[1]!.settle();
  await pipeline.stop();
});

test('a call in flight across a new generation finishes but commits nothing; stop waits for it', async () => {
  const { offsets, pipeline, calls, committable } = setup();
  pipeline.push(batch(offsets, 0, 0, 3));
  await eventually(() => assert.equal(calls.length, 1, 'first call'));
  pipeline.push(batch(offsets, 0, 3, 3));
  offsets.reset();
  pipeline.clear();
  let stopped = false;
  const stopping = pipeline.stop().then(() => {
    stopped = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(stopped, false, 'stop waits for the call in flight');
  calls[0]!.settle();
  await stopping;
  assert.equal(calls.length, 1, 'the cleared batch was never handled');
  assert.deepEqual(committable(), {}, 'the old generation\'s call commits nothing');
});

test('with concurrency, calls overlap but a partition is in one call at a time, in order', async () => {
  const { offsets, pipeline, calls, committable } = setup({ concurrency: 2 });
  pipeline.push(batch(offsets, 0, 0, 2));
  await eventually(() => assert.equal(calls.length, 1, 'first call'));
  pipeline.push(batch(offsets, 0, 2, 2));
  pipeline.push(batch(offsets, 1, 0, 2));
  await eventually(() => assert.equal(calls.length, 2, 'a second call starts beside the first'));
  assert.deepEqual(calls[1]!.positions, ['1:0', '1:1'], 'partition 0 is held by the first call: its next batch waits');
  calls[1]!.settle();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(calls.length, 2, 'partition 0 still waits for the first call');
  assert.deepEqual(committable(), { 1: 2 });
  calls[0]!.settle();
  await eventually(() => assert.equal(calls.length, 3, 'then partition 0 goes on'));
  assert.deepEqual(calls[2]!.positions, ['0:2', '0:3']);
  calls[2]!.settle();
  await pipeline.stop();
  assert.deepEqual(committable(), { 0: 4, 1: 2 });
});
