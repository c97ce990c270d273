import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import type { FeedRecord } from '../../../../core/feed/feed-record.js';
import { createRedisFeedStore } from '../../../../core/feed/redis/redis-feed-store.js';
import { TallyError } from '../../../../core/http/tally-error.js';
import { useRedisClient } from '../../../support/redis-server.js';

let redis: Redis;
useRedisClient((client) => (redis = client));

function record(i: number): FeedRecord {
  const hasError = i % 3 === 0;
  return {
    event: { specversion: '1.0', id: `evt-${i}`, source: 's', type: i % 2 ? 'a' : 'b', subject: `sub${i % 4}`, time: new Date(Date.UTC(2026, 4, 1, 0, i)).toISOString(), data: {} },
    ...(hasError ? {} : { customerId: `C${i % 2}` }),
    validationErrors: hasError ? [`no customer found for event subject: sub${i % 4}`] : [],
    ingestedAt: new Date(Date.UTC(2026, 4, 2, 0, i)).toISOString(),
    storedAt: new Date(Date.UTC(2026, 4, 2, 0, i, 1)).toISOString(),
  };
}

test('newest first, paged with an opaque cursor to the end', async () => {
  const feed = createRedisFeedStore({ redis, prefix: 'f1:', maxRecords: 1000 });
  await feed.append(Array.from({ length: 25 }, (_, i) => record(i)));
  const seen: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await feed.list({ limit: 10, after });
    seen.push(...page.records.map((r) => r.event.id));
    if (!page.next) break;
    after = page.next;
  }
  assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => `evt-${24 - i}`));
  assert.deepEqual((await feed.list({ limit: 1 })).records[0], record(24));
});

test('every filter field, hasErrors from its own index', async () => {
  const feed = createRedisFeedStore({ redis, prefix: 'f2:', maxRecords: 1000 });
  await feed.append(Array.from({ length: 30 }, (_, i) => record(i)));
  const ids = async (filter: Parameters<typeof feed.list>[0]) => (await feed.list(filter)).records.map((r) => Number(r.event.id.slice(4)));
  assert.deepEqual(await ids({ limit: 100, hasErrors: true }), [27, 24, 21, 18, 15, 12, 9, 6, 3, 0]);
  assert.equal((await ids({ limit: 100, hasErrors: false })).length, 20);
  assert.deepEqual(await ids({ limit: 100, id: 'evt-2' }), [29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 2]);
  assert.deepEqual(await ids({ limit: 100, subject: 'sub1', type: 'a' }), [29, 25, 21, 17, 13, 9, 5, 1]);
  assert.deepEqual(await ids({ limit: 100, customerIds: ['C0'], from: '2026-05-01T00:10:00Z', to: '2026-05-01T00:20:00Z' }), [16, 14, 10]);
  assert.deepEqual(await ids({ limit: 100, ingestedAtFrom: '2026-05-02T00:28:00Z' }), [29, 28]);
  assert.deepEqual(await ids({ limit: 100, ingestedAtTo: '2026-05-02T00:02:00Z' }), [1, 0]);
  assert.deepEqual(await ids({ limit: 2, hasErrors: true, after: (await feed.list({ limit: 1, hasErrors: true })).next }), [24, 21]);
});

test('capped: old records are trimmed; a forged cursor is a 400', async () => {
  const feed = createRedisFeedStore({ redis, prefix: 'f3:', maxRecords: 100 });
  for (let i = 0; i < 10; i++) await feed.append(Array.from({ length: 100 }, (_, j) => record(i * 100 + j)));
  const length = await redis.xlen('f3:{feed}:all');
  assert.ok(length >= 100 && length < 300, `kept ${length}`);
  await assert.rejects(feed.list({ limit: 5, after: 'bm90LWFuLWlk' }), (e: unknown) => e instanceof TallyError && e.code === 'BAD_REQUEST');
});

test("a record given its event's JSON text stores that text and lists the same record as one stringified anew", async () => {
  const feed = createRedisFeedStore({ redis, prefix: 'f4:', maxRecords: 1000 });
  const records = [record(1), record(3)];
  // As the log carries it: the client's own spacing and key order are kept as they are.
  const texts = records.map(({ event }) => `{ "data": {}, ${JSON.stringify(event).slice(1, -1).replace(',"data":{}', '')} }`);
  await feed.append(records.map((r, i) => ({ ...r, eventJson: texts[i] })));
  const listed = (await feed.list({ limit: 10 })).records;
  assert.deepEqual(listed, [record(3), record(1)], 'parsed back to the records, without the text');
  const stored = (await redis.xrange('f4:{feed}:all', '-', '+')).map(([, fields]) => fields[1]);
  assert.ok(stored[0]?.startsWith(`{"event":${texts[0]},`), 'the event text is stored as given');
  assert.equal((await feed.list({ limit: 10, hasErrors: true })).records[0]?.event.id, 'evt-3', 'the errors index gets it too');
});
