import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { createEventEvaluator } from '../../../../core/meters/evaluate-event.js';
import type { MeterAggregateRequest } from '../../../../core/meters/meter-query-store.js';
import type { WriteItem } from '../../../../core/meters/meter-writer.js';
import { createRedisMeterStore } from '../../../../core/meters/redis/redis-meter-store.js';
import { createRedisMeterWriter } from '../../../../core/meters/redis/redis-meter-writer.js';
import { useRedisClient } from '../../../support/redis-server.js';
import { BASE_MS, everyAggregation, randomRecords } from './meter-fixtures.js';
import { comparable, referenceAggregate, type ReferenceContribution } from './reference-aggregate.js';

let redis: Redis;
useRedisClient((client) => (redis = client));

const DAY = 86_400_000;
const HOUR = 3_600_000;
const retentionMs = { minute: 3650 * DAY, hour: 3650 * DAY, day: 3650 * DAY };
const subjectsOf: Record<string, string> = { alice: 'C1', bob: 'C1', carol: 'C2', 'dave "d" \\ o\'neil': 'C3' };

test('filters are applied per group in the read script as in memory: missing values, subjects, customers, several keys', async () => {
  const prefix = 'store-filters:';
  const meters = everyAggregation();
  const evaluate = createEventEvaluator();
  const writer = createRedisMeterWriter({ redis, prefix, dedupeTtlMs: DAY, retentionMs, uniqueCountExactLimit: 10_000, chunkEvents: 200 });
  const store = createRedisMeterStore({ redis, prefix, retentionMs });
  const byCustomer = new Map<string, WriteItem[]>();
  const reference: ReferenceContribution[] = [];
  for (const record of randomRecords(11, 800, Object.keys(subjectsOf))) {
    const customerId = subjectsOf[record.event.subject]!;
    const { contributions } = evaluate(record.event, meters.filter((meter) => meter.eventType === record.event.type));
    byCustomer.set(customerId, [...(byCustomer.get(customerId) ?? []), { record, contributions }]);
    for (const contribution of contributions) reference.push({ ...contribution, customerId });
  }
  await writer.write(byCustomer);

  const filterSets: Array<Record<string, string[]>> = [
    { model: [''] },
    { model: ['claude', ''] },
    { subject: ['carol', 'dave "d" \\ o\'neil'] },
    { customer_id: ['C1', 'C3'], model: ['gpt-4o'] },
    { subject: ['alice'] },
    { model: ['nope'] },
  ];
  const windows = [
    { fromMs: BASE_MS - DAY, toMs: BASE_MS + 17 * 60_000, granularity: 'minute' as const },
    { fromMs: BASE_MS + HOUR, toMs: BASE_MS + DAY, granularity: 'hour' as const },
    { fromMs: BASE_MS + DAY, toMs: BASE_MS + 4 * DAY, granularity: 'day' as const },
  ];
  let compared = 0;
  for (const meter of meters) {
    for (const filters of filterSets) {
      const request: MeterAggregateRequest = { meter, granularity: 'minute', windows, groupBy: ['subject', 'customer_id'], filters };
      const expected = comparable(referenceAggregate(reference, request));
      assert.deepEqual(comparable(await store.aggregate(request)), expected, `${meter.slug} ${JSON.stringify(filters)}`);
      compared += Object.keys(expected).length;
    }
  }
  assert.ok(compared > 100, `compared ${compared} rows`);
});
