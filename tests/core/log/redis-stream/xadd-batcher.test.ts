import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import type { LogRecord } from '../../../../core/events/cloud-event.js';
import { createXaddBatcher } from '../../../../core/log/redis-stream/xadd-batcher.js';
import { countRedisCommands } from '../../../support/count-redis-commands.js';
import { startRedis, type TestRedis } from '../../../support/redis-server.js';

let server: TestRedis;
let redis: Redis;
before(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
  // Loads the script, so that the counts below see no EVALSHA-then-EVAL retry.
  await createXaddBatcher({ redis, streamKey: `xb-${Date.now()}-warm`, maxLen: undefined }).append([record('w', 0)]);
});
after(async () => {
  redis.disconnect();
  await server.stop();
});

function record(subject: string, n: number): LogRecord {
  return {
    namespace: 'default',
    ingestedAt: '2026-05-01T12:00:00.000Z',
    event: { specversion: '1.0', id: `e-${subject}-${n}`, source: 'bench', type: 't', subject, time: '2026-05-01T12:00:00.000Z', data: { n } },
  };
}

async function eventIds(streamKey: string): Promise<string[]> {
  const entries = await redis.xrange(streamKey, '-', '+');
  return entries.map(([, fields]) => JSON.parse(fields[fields.indexOf('event') + 1]!).id as string);
}

test('publishes of one turn share one call, and land in publish order with every field', async () => {
  const streamKey = `xb-${Date.now()}-order`;
  const batcher = createXaddBatcher({ redis, streamKey, maxLen: undefined });
  const commands = await countRedisCommands(redis, async () => {
    await Promise.all(Array.from({ length: 20 }, (_, n) => batcher.append([record('a', n), record('b', n)])));
  });
  assert.equal(commands, 1);
  assert.deepEqual(await eventIds(streamKey), Array.from({ length: 20 }, (_, n) => [`e-a-${n}`, `e-b-${n}`]).flat());
  const [[, fields] = ['', []]] = await redis.xrange(streamKey, '-', '+', 'COUNT', 1);
  assert.deepEqual(fields.slice(0, 6), ['ns', 'default', 'ingested_at', '2026-05-01T12:00:00.000Z', 'subject', 'a']);
  assert.deepEqual(JSON.parse(fields[7]!), record('a', 0).event);
});

test('publishes of later turns get calls of their own', async () => {
  const streamKey = `xb-${Date.now()}-turns`;
  const batcher = createXaddBatcher({ redis, streamKey, maxLen: undefined });
  const commands = await countRedisCommands(redis, async () => {
    for (let n = 0; n < 3; n++) await batcher.append([record('s', n)]);
  });
  assert.equal(commands, 3);
  assert.equal(await redis.xlen(streamKey), 3);
});

test('a publish larger than one call is split over several, still in order', async () => {
  const streamKey = `xb-${Date.now()}-split`;
  const batcher = createXaddBatcher({ redis, streamKey, maxLen: undefined, maxEntriesPerCall: 3 });
  const first = Array.from({ length: 7 }, (_, n) => record('p', n));
  const second = [record('q', 0), record('q', 1)];
  const commands = await countRedisCommands(redis, async () => {
    await Promise.all([batcher.append(first), batcher.append(second)]);
  });
  assert.equal(commands, 3);
  assert.deepEqual(await eventIds(streamKey), [...first, ...second].map((r) => r.event.id));
});

test('maxLen trims the stream approximately, as MAXLEN ~ does', async () => {
  const streamKey = `xb-${Date.now()}-trim`;
  const batcher = createXaddBatcher({ redis, streamKey, maxLen: 10 });
  for (let round = 0; round < 5; round++) await batcher.append(Array.from({ length: 200 }, (_, n) => record('t', round * 200 + n)));
  const length = await redis.xlen(streamKey);
  assert.ok(length < 300 && length >= 10, `trimmed to about 10 entries, got ${length}`);
});

test('every publish of a failed call is rejected', async () => {
  const closed = new Redis(server.url, { lazyConnect: true, enableOfflineQueue: false });
  closed.on('error', () => undefined);
  const batcher = createXaddBatcher({ redis: closed, streamKey: `xb-${Date.now()}-down`, maxLen: undefined });
  const results = await Promise.allSettled([batcher.append([record('x', 1)]), batcher.append([record('y', 1)])]);
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
  closed.disconnect();
});

test('a call Redis refuses rejects its publishes and appends nothing', async () => {
  const streamKey = `xb-${Date.now()}-wrongtype`;
  await redis.set(streamKey, 'not a stream');
  const batcher = createXaddBatcher({ redis, streamKey, maxLen: undefined });
  const results = await Promise.allSettled([batcher.append([record('x', 1)]), batcher.append([record('y', 1)])]);
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
  assert.equal(await redis.type(streamKey), 'string');
});
