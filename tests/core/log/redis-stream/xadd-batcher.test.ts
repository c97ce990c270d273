import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import type { LogRecord } from '../../../../core/events/cloud-event.js';
import { createXaddBatcher } from '../../../../core/log/redis-stream/xadd-batcher.js';
import { startRedis, type TestRedis } from '../../../support/redis-server.js';

let server: TestRedis;
let redis: Redis;
before(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
});
after(async () => {
  redis.disconnect();
  await server.stop();
});

const record = (subject: string, n: number): LogRecord => ({
  namespace: 'default',
  ingestedAt: '2026-05-01T12:00:00.000Z',
  event: { specversion: '1.0', id: `e-${subject}-${n}`, source: 'bench', type: 't', subject, time: '2026-05-01T12:00:00.000Z', data: { n } },
});

/** Counts `redis.pipeline()` calls made while `run` runs. */
async function countPipelines(client: Redis, run: () => Promise<void>): Promise<number> {
  const original = client.pipeline.bind(client);
  let pipelines = 0;
  client.pipeline = ((...args: Parameters<Redis['pipeline']>) => {
    pipelines++;
    return original(...args);
  }) as Redis['pipeline'];
  try {
    await run();
  } finally {
    client.pipeline = original;
  }
  return pipelines;
}

test('publishes of one turn share one pipeline, and land in publish order', async () => {
  const streamKey = `xb-${Date.now()}-order`;
  const batcher = createXaddBatcher({ redis, streamKey, trim: [] });
  const pipelines = await countPipelines(redis, async () => {
    await Promise.all(Array.from({ length: 20 }, (_, n) => batcher.append([record('a', n), record('b', n)])));
  });
  assert.equal(pipelines, 1);
  const entries = await redis.xrange(streamKey, '-', '+');
  const ids = entries.map(([, fields]) => JSON.parse(fields[fields.indexOf('event') + 1]!).id as string);
  assert.deepEqual(ids, Array.from({ length: 20 }, (_, n) => [`e-a-${n}`, `e-b-${n}`]).flat());
});

test('publishes of later turns get pipelines of their own', async () => {
  const streamKey = `xb-${Date.now()}-turns`;
  const batcher = createXaddBatcher({ redis, streamKey, trim: [] });
  const pipelines = await countPipelines(redis, async () => {
    for (let n = 0; n < 3; n++) await batcher.append([record('s', n)]);
  });
  assert.equal(pipelines, 3);
  assert.equal(await redis.xlen(streamKey), 3);
});

test('every publish of a failed pipeline is rejected', async () => {
  const closed = new Redis(server.url, { lazyConnect: true, enableOfflineQueue: false });
  closed.on('error', () => undefined);
  const batcher = createXaddBatcher({ redis: closed, streamKey: `xb-${Date.now()}-down`, trim: [] });
  const results = await Promise.allSettled([batcher.append([record('x', 1)]), batcher.append([record('y', 1)])]);
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
  closed.disconnect();
});
