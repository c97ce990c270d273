import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { startRedis, type TestRedis } from '../../support/redis-server.js';
import { eventually } from '../../support/eventually.js';
import { createWorkerHarness, usageRecord } from './worker-harness.js';
import { runWorkerSuite } from './worker-suite.js';

let server: TestRedis;
before(async () => {
  server = await startRedis();
});
after(async () => {
  await server.stop();
});

runWorkerSuite('redis stream', () => createWorkerHarness(server.url, { TALLY_STREAM_KEY: `events-${randomUUID()}`, TALLY_PARKED_MAX_PER_SUBJECT: '20' }));

test('redis stream: entries a member left pending after its writes (it hung or died) are claimed by another and count once', async () => {
  const h = await createWorkerHarness(server.url, { TALLY_STREAM_KEY: `events-${randomUUID()}` });
  let release: (() => void) | undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  try {
    await h.meters.create({ slug: 'calls', aggregation: 'COUNT', eventType: 'kong.llm_request' });
    const acme = await h.customers.create({ name: 'Acme', key: 'acme' });
    let wrote = false;
    // Writes its first batch, then never acknowledges it: as good as dead to the group.
    await h.startMember('stuck', (handler) => async (batch) => {
      await handler(batch);
      wrote = true;
      await released;
      throw new Error('gone');
    });
    await h.publish(Array.from({ length: 50 }, () => usageRecord('acme', {})));
    await eventually(() => assert.ok(wrote, 'the stuck member wrote its batch'));
    await h.startMember('healthy');
    await h.publish(Array.from({ length: 25 }, () => usageRecord('acme', {})));
    await eventually(async () => {
      assert.deepEqual(await h.totals('calls'), { [acme.id]: 75 }, 'claimed entries are duplicates, new ones count');
      assert.equal(await h.redis.xpending(h.config.stream.key, h.config.stream.group).then((p) => Number((p as unknown[])[0])), 0, 'nothing left pending');
    }, { timeoutMs: 20_000 });
  } finally {
    release?.();
    await h.dispose();
  }
});
