import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { createRedisParkedEvents } from '../../../../core/parked/redis/redis-parked-events.js';
import { useRedisClient } from '../../../support/redis-server.js';
import { logRecord } from '../../meters/redis/meter-fixtures.js';

let redis: Redis;
useRedisClient((client) => (redis = client));

const DAY = 86_400_000;
const records = (subject: string, from: number, count: number) => Array.from({ length: count }, (_, i) => logRecord(`${subject}-${from + i}`, subject, Date.now(), {}));
const ids = (list: Array<{ event: { id: string } }>) => list.map((r) => r.event.id);

test('the cap pushes out the oldest and reports them; a claim takes everything parked so far', async () => {
  const parked = createRedisParkedEvents({ redis, prefix: 'p1:', maxPerSubject: 5, retentionMs: DAY });
  assert.deepEqual(await parked.park(records('zed', 0, 4)), []);
  assert.deepEqual(ids(await parked.park(records('zed', 4, 3))), ['zed-0', 'zed-1']);
  const claim = await parked.claim('zed');
  assert.deepEqual(ids(claim.records), ['zed-2', 'zed-3', 'zed-4', 'zed-5', 'zed-6']);
  await parked.park(records('zed', 7, 1)); // parked while the replay runs: waits for the next claim
  await claim.release();
  const next = await parked.claim('zed');
  assert.deepEqual(ids(next.records), ['zed-7']);
  await next.release();
  assert.deepEqual((await parked.claim('zed')).records, []);
});

test('a claim that was never released (its replay failed) is handed out again', async () => {
  const parked = createRedisParkedEvents({ redis, prefix: 'p2:', maxPerSubject: 100, retentionMs: DAY });
  await parked.park(records('amy', 0, 3));
  const failed = await parked.claim('amy');
  await parked.park(records('amy', 3, 1));
  const again = await parked.claim('amy');
  assert.deepEqual(ids(again.records), ids(failed.records));
  await failed.release(); // late release of the same claim: it was the one read, so it goes
  await again.release(); // no-op now
  assert.deepEqual(ids((await parked.claim('amy')).records), ['amy-3']);
});

test('expiry drops subjects not parked to within the retention, and only those', async () => {
  const parked = createRedisParkedEvents({ redis, prefix: 'p3:', maxPerSubject: 100, retentionMs: DAY });
  await parked.park([...records('old', 0, 2), ...records('fresh', 0, 1)]);
  assert.deepEqual(await parked.expire(Date.now() - 60_000), [], 'nothing is older than a minute ago');
  await redis.zadd('p3:{parked}:subjects', Date.now() - 2 * DAY, 'old');
  await redis.pexpire('p3:{p:old}:list', 1000); // as if its last park were long ago
  assert.deepEqual(ids(await parked.expire(Date.now() - DAY)), ['old-0', 'old-1']);
  assert.deepEqual(await redis.zrange('p3:{parked}:subjects', 0, -1), ['fresh']);
  assert.deepEqual(ids((await parked.claim('fresh')).records), ['fresh-0']);
});
