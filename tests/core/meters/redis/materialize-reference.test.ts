import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import type { LogRecord } from '../../../../core/events/cloud-event.js';
import { createEventEvaluator } from '../../../../core/meters/evaluate-event.js';
import type { Granularity, MeterAggregateRequest, TimeWindow } from '../../../../core/meters/meter-query-store.js';
import type { WriteItem } from '../../../../core/meters/meter-writer.js';
import { createRedisMeterStore } from '../../../../core/meters/redis/redis-meter-store.js';
import { createRedisMeterWriter } from '../../../../core/meters/redis/redis-meter-writer.js';
import { useRedisClient } from '../../../support/redis-server.js';
import { BASE_MS, everyAggregation, randomRecords, seededRandom } from './meter-fixtures.js';
import { comparable, referenceAggregate, type ReferenceContribution } from './reference-aggregate.js';

let redis: Redis;
useRedisClient((client) => (redis = client));

const DAY = 86_400_000;
const retentionMs = { minute: 3650 * DAY, hour: 3650 * DAY, day: 3650 * DAY };
const subjectsOf: Record<string, string> = { alice: 'C1', bob: 'C1', carol: 'C2', dave: 'C3' };

function windowsFor(granularity: Granularity, seed: number): TimeWindow[] {
  const random = seededRandom(seed);
  const span = { minute: 60_000, hour: 3_600_000, day: DAY }[granularity];
  const windows: TimeWindow[] = [];
  let from = BASE_MS - span + random.int(3) * span;
  for (let i = 0; i < 6; i++) {
    const length = span * (1 + random.int(granularity === 'day' ? 2 : granularity === 'hour' ? 20 : 600));
    windows.push({ fromMs: from, toMs: from + length });
    from += length + random.int(3) * span;
  }
  return windows;
}

for (const layout of ['single Redis', 'Redis Cluster'] as const) test(`buckets read through the MeterQueryStore equal a naive computation over the same events (${layout} calls)`, async () => {
  const prefix = layout === 'single Redis' ? 'ref:' : 'refc:';
  const meters = everyAggregation();
  const evaluate = createEventEvaluator();
  // On a cluster the writer sends one customer per script call; the results must not differ.
  const callPerCustomer = layout === 'Redis Cluster';
  const writer = createRedisMeterWriter({ redis, prefix, dedupeTtlMs: DAY, retentionMs, uniqueCountExactLimit: 10_000, chunkEvents: 13, callPerCustomer });
  const store = createRedisMeterStore({ redis, prefix, retentionMs });
  const records = randomRecords(7, 1500, Object.keys(subjectsOf));
  // Redelivery: a slice of the events arrives again, in later batches.
  const deliveries: LogRecord[] = [...records, ...records.slice(200, 500), ...records.slice(1400)];
  const reference: ReferenceContribution[] = [];
  let applied = 0;
  for (let from = 0; from < deliveries.length; from += 250) {
    const byCustomer = new Map<string, WriteItem[]>();
    const batch = deliveries.slice(from, from + 250);
    for (const record of batch) {
      const customerId = subjectsOf[record.event.subject] ?? '';
      const items = byCustomer.get(customerId) ?? [];
      items.push({ record, contributions: evaluate(record.event, meters.filter((m) => m.eventType === record.event.type)).contributions });
      byCustomer.set(customerId, items);
    }
    const flags = await writer.write(byCustomer);
    for (const [customerId, items] of byCustomer) {
      items.forEach((item, i) => {
        if (!flags.get(customerId)?.[i]) return;
        applied++;
        for (const contribution of item.contributions) reference.push({ ...contribution, customerId });
      });
    }
  }
  assert.equal(applied, records.length, 'every event applied exactly once');

  let compared = 0;
  for (const meter of meters) {
    for (const granularity of ['minute', 'hour', 'day'] as const) {
      const groupings = [[], ['customer_id'], ['customer_id', 'subject'], Object.keys(meter.groupBy)];
      for (const [g, groupBy] of groupings.entries()) {
        const request: MeterAggregateRequest = {
          meter, granularity, windows: windowsFor(granularity, g + 10 * meters.indexOf(meter)), groupBy,
          filters: g === 3 && meter.groupBy.model ? { model: ['gpt-4o', 'claude'] } : {},
          customerIds: g === 2 ? ['C1', 'C3'] : undefined,
        };
        const expected = comparable(referenceAggregate(reference, request));
        assert.deepEqual(comparable(await store.aggregate(request)), expected, `${meter.slug} ${granularity} [${groupBy.join(',')}]`);
        compared += Object.keys(expected).length;
      }
    }
  }
  assert.ok(compared > 500, `compared ${compared} rows`);

  // Every bucket, unique-count and dedupe key expires; only group indexes and meter customer sets stay.
  const keys = await redis.keys(`${prefix}*`);
  const ttls = await Promise.all(keys.map((key) => redis.pttl(key)));
  const lasting = keys.filter((key, i) => (ttls[i] ?? 0) < 0);
  assert.ok(keys.length > 1000, `${keys.length} keys`);
  assert.deepEqual(lasting.filter((key) => !/}:g:|}:customers$/.test(key)), []);
  const dedupeTtl = ttls[keys.findIndex((key) => key.includes('}:d:'))] ?? 0;
  assert.ok(dedupeTtl > DAY - 60_000 && dedupeTtl <= DAY, `late events' markers kept a full TTL (${dedupeTtl})`);
});

test('UNIQUE_COUNT turns into a HyperLogLog beyond the exact limit and stays within its error', async () => {
  const prefix = 'hll:';
  const [meter] = everyAggregation().filter((m) => m.aggregation === 'UNIQUE_COUNT');
  assert.ok(meter);
  const writer = createRedisMeterWriter({ redis, prefix, dedupeTtlMs: DAY, retentionMs, uniqueCountExactLimit: 50, chunkEvents: 500 });
  const store = createRedisMeterStore({ redis, prefix, retentionMs });
  const evaluate = createEventEvaluator();
  const items: WriteItem[] = [];
  for (let i = 0; i < 3000; i++) {
    const record = randomRecords(1, 1, ['alice'])[0] as LogRecord;
    record.event.id = `u${i}`;
    record.event.time = new Date(BASE_MS + (i % 120) * 60_000).toISOString();
    record.event.data = { user: `user-${i % 2000}`, model: 'm' };
    items.push({ record, contributions: evaluate(record.event, [meter]).contributions });
  }
  await writer.write(new Map([['C1', items]]));
  const uniqueKeys = await redis.keys(`${prefix}*u:*`);
  const types = await Promise.all(uniqueKeys.map((key) => redis.type(key)));
  assert.ok(types.includes('string') && types.includes('set'), 'hour and day buckets became HyperLogLogs, minute buckets stayed sets');
  const [row] = await store.aggregate({ meter, granularity: 'hour', windows: [{ fromMs: BASE_MS, toMs: BASE_MS + 2 * 3_600_000 }], groupBy: [], filters: {} });
  assert.ok(row && row.value !== null, 'one row');
  assert.ok(Math.abs(row.value - 2000) / 2000 < 0.03, `estimate ${row.value} within 3% of 2000`);
  const [small] = await store.aggregate({ meter, granularity: 'minute', windows: [{ fromMs: BASE_MS, toMs: BASE_MS + 60_000 }], groupBy: [], filters: {} });
  assert.equal(small?.value, 25, 'a minute below the limit is exact');
});
