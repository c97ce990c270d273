import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { createEventEvaluator } from '../../../../core/meters/evaluate-event.js';
import type { Meter } from '../../../../core/meters/meter.js';
import type { WriteItem } from '../../../../core/meters/meter-writer.js';
import { customerBase, groupId, LAYOUT, timePart } from '../../../../core/meters/redis/bucket-layout.js';
import { createRedisMeterStore } from '../../../../core/meters/redis/redis-meter-store.js';
import { createRedisMeterWriter } from '../../../../core/meters/redis/redis-meter-writer.js';
import { useRedisClient } from '../../../support/redis-server.js';
import { BASE_MS, logRecord, testMeter } from './meter-fixtures.js';

let redis: Redis;
useRedisClient((client) => (redis = client));

const DAY = 86_400_000;
const retentionMs = { minute: 3650 * DAY, hour: 3650 * DAY, day: 3650 * DAY };

/** Writes `data` items for customer C1 one batch each and reads the meter's total over the day of BASE_MS. */
async function totalOf(prefix: string, meter: Meter, datas: Array<Record<string, unknown>>, before?: () => Promise<void>): Promise<number | null> {
  const writer = createRedisMeterWriter({ redis, prefix, dedupeTtlMs: DAY, retentionMs, uniqueCountExactLimit: 10_000, chunkEvents: 50 });
  const evaluate = createEventEvaluator();
  await before?.();
  for (const [i, data] of datas.entries()) {
    const record = logRecord(`${prefix}${i}`, 'alice', BASE_MS + 5 * 60_000 + i, data);
    const item: WriteItem = { record, contributions: evaluate(record.event, [meter]).contributions };
    await writer.write(new Map([['C1', [item]]]));
  }
  const store = createRedisMeterStore({ redis, prefix, retentionMs });
  const rows = await store.aggregate({ meter, granularity: 'minute', windows: [{ fromMs: BASE_MS, toMs: BASE_MS + DAY }], groupBy: [], filters: {} });
  return rows[0]?.value ?? null;
}

test('sums mix integers (HINCRBY) and fractions (HINCRBYFLOAT) in one bucket, in any order, exactly', async () => {
  const meter = testMeter({ slug: 'mixed', aggregation: 'SUM' });
  const values = [5, '2.25', -7, 0.5, 3, '4', 2e15, 1];
  const total = await totalOf('mix:', meter, values.map((tokens) => ({ tokens })));
  assert.equal(total, 5 + 2.25 - 7 + 0.5 + 3 + 4 + 2e15 + 1);
  const avg = testMeter({ slug: 'mixed_avg', aggregation: 'AVG' });
  assert.equal(await totalOf('mixavg:', avg, [{ tokens: 4 }, { tokens: '1.5' }, { tokens: 2 }]), 7.5 / 3);
});

test('an integer sum past int64 goes on as a float instead of failing the batch', async () => {
  const prefix = 'overflow:';
  const meter = testMeter({ slug: 'big', aggregation: 'SUM' });
  const timeMs = BASE_MS + 5 * 60_000;
  const hourStart = LAYOUT.minute.keyStart(timeMs);
  const key = `${customerBase(prefix, 'C1')}b:${meter.id}:${groupId({ subject: 'alice' })}:m:${timePart(hourStart)}`;
  // The first event's minute bucket already near the int64 limit: HINCRBY refuses, HINCRBYFLOAT adds.
  const total = await totalOf(prefix, meter, [{ tokens: 1000 }], async () => {
    await redis.hset(key, '5', '9223372036854775000');
  });
  assert.equal(total, 9223372036854775000 + 1000);
  assert.equal(await redis.hget(key, '5'), '9223372036854776000');
});

test('UNIQUE_COUNT values that are not well-formed UTF-16 are counted (as U+FFFD) rather than failing the batch', async () => {
  const meter = testMeter({ slug: 'users', aggregation: 'UNIQUE_COUNT', valueProperty: '$.user' });
  const total = await totalOf('surrogate:', meter, [{ user: 'a\ud800' }, { user: 'b' }, { user: 'a\udfff' }, { user: 'a\u0000"\\' }]);
  assert.equal(total, 3);
});

test("a customer-hour's dedupe markers expire a TTL after the latest processing, never earlier", async () => {
  const prefix = 'dexp:';
  const meter = testMeter({ slug: 'calls', aggregation: 'COUNT' });
  const evaluate = createEventEvaluator();
  // Expiry times are absolute: an hour of this day, so they lie in the future.
  const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const timeMs = hour + 5 * 60_000;
  const dedupeKey = `${customerBase(prefix, 'C1')}d:${timePart(LAYOUT.minute.keyStart(timeMs))}`;
  // Each write from a fresh writer (no cache of what was written), processed at `nowMs`.
  const writeAt = async (id: string, nowMs: number) => {
    const writer = createRedisMeterWriter({ redis, prefix, dedupeTtlMs: DAY, retentionMs, uniqueCountExactLimit: 10, chunkEvents: 10, now: () => nowMs });
    const record = logRecord(id, 'alice', timeMs, {});
    await writer.write(new Map([['C1', [{ record, contributions: evaluate(record.event, [meter]).contributions }]]]));
  };
  await writeAt('first', hour + 10 * 60_000);
  assert.equal(await redis.pexpiretime(dedupeKey), hour + 3_600_000 + DAY, 'set when the hash is created');
  await writeAt('late', hour + 5 * 3_600_000);
  assert.equal(await redis.pexpiretime(dedupeKey), hour + 5 * 3_600_000 + DAY, 'extended by a late event');
  await writeAt('early', hour + 20 * 60_000);
  assert.equal(await redis.pexpiretime(dedupeKey), hour + 5 * 3_600_000 + DAY, 'never shortened');
});
