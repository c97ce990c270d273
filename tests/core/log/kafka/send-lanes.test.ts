import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSendLanes } from '../../../../core/log/kafka/send-lanes.js';
import { eventually } from '../../../support/eventually.js';

interface Item {
  key: string;
  n: number;
}

/** A send that holds every call until released, recording what each carried. */
function createHeldSend() {
  const calls: Array<{ items: Item[]; release(error?: Error): void }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    calls,
    maxInFlight: () => maxInFlight,
    send(items: Item[]): Promise<void> {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise<void>((resolve, reject) => {
        calls.push({
          items,
          release(error) {
            inFlight--;
            if (error) reject(error);
            else resolve();
          },
        });
      });
    },
  };
}

const lanesOver = (held: ReturnType<typeof createHeldSend>, lanes: number) =>
  createSendLanes<Item>({ send: (items) => held.send(items), sizeOf: () => 1, lingerMs: 1, maxRecords: 1_000, maxBytes: 1_000_000, lanes, keyOf: (item) => item.key });

test('keys on different lanes are sent concurrently', async () => {
  const held = createHeldSend();
  const lanes = lanesOver(held, 8);
  const keys = Array.from({ length: 32 }, (_, i) => `subject-${i}`);
  const published = keys.map((key) => lanes.add([{ key, n: 0 }], Date.now() + 5_000));
  await eventually(() => assert.ok(held.calls.length > 1, 'more than one send in flight'));
  assert.ok(held.maxInFlight() > 1 && held.maxInFlight() <= 8, `in flight: ${held.maxInFlight()}`);
  while (held.calls.some((call) => call)) {
    for (const call of held.calls.splice(0)) call.release();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(published);
});

test('a key keeps its publish order across lanes', async () => {
  const sent: Item[] = [];
  const lanes = createSendLanes<Item>({
    send: async (items) => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
      sent.push(...items);
    },
    sizeOf: () => 1,
    lingerMs: 0,
    maxRecords: 5,
    maxBytes: 1_000_000,
    lanes: 4,
    keyOf: (item) => item.key,
  });
  const published: Promise<void>[] = [];
  for (let n = 0; n < 200; n++) published.push(lanes.add([{ key: `k${n % 7}`, n }, { key: `k${(n + 3) % 7}`, n }], Date.now() + 5_000));
  await Promise.all(published);
  assert.equal(sent.length, 400);
  for (let k = 0; k < 7; k++) {
    const order = sent.filter((item) => item.key === `k${k}`).map((item) => item.n);
    assert.deepEqual(order, [...order].sort((a, b) => a - b), `order of k${k}`);
  }
});

test('a publish spanning lanes fails when one lane fails, and only resolves when all acknowledged', async () => {
  const held = createHeldSend();
  const lanes = lanesOver(held, 4);
  const items = Array.from({ length: 16 }, (_, i) => ({ key: `s${i}`, n: i }));
  let settled = false;
  const published = lanes.add(items, Date.now() + 5_000).finally(() => (settled = true));
  await eventually(() => assert.ok(held.calls.length > 1, 'split over several lanes'));
  const [first, ...rest] = held.calls.splice(0);
  for (const call of rest) call.release();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(settled, false, 'waits for the last lane');
  first!.release(new Error('broker down'));
  await assert.rejects(published, /unavailable/);
});

test('flush waits for every lane', async () => {
  const held = createHeldSend();
  const lanes = lanesOver(held, 4);
  const published = Promise.all(Array.from({ length: 12 }, (_, i) => lanes.add([{ key: `f${i}`, n: i }], Date.now() + 5_000)));
  let flushed = false;
  const flushing = lanes.flush().then(() => (flushed = true));
  await eventually(() => assert.ok(held.calls.length > 1, 'sends started'));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(flushed, false);
  while (!flushed) {
    for (const call of held.calls.splice(0)) call.release();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await flushing;
  await published;
});
