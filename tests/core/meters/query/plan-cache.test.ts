import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Meter } from '../../../../core/meters/meter.js';
import { createMeterQueryService } from '../../../../core/meters/query/create-meter-query-service.js';
import { createPlanCache } from '../../../../core/meters/query/plan-cache.js';
import type { QueryPlan } from '../../../../core/meters/query/plan-query.js';
import { createZoneOffsetCache } from '../../../../core/meters/query/zone-offsets.js';
import { createMemoryMeterQueryStore } from '../../../support/memory-meter-query-store.js';

const zones = createZoneOffsetCache();
const hour = 3_600_000;
const meter: Meter = { id: 'm', slug: 'm', aggregation: 'SUM', eventType: 'e', groupBy: {}, createdAt: '', updatedAt: '' };
const planOf = (parts: number): QueryPlan => ({ windows: [], parts: Array.from({ length: parts }, (_, i) => ({ fromMs: i, toMs: i + 1, granularity: 'minute', mergeInto: i })) });

test('a kept plan is handed out again without building; the least recently used goes first once the parts exceed the bound', () => {
  const cache = createPlanCache({ maxParts: 10 });
  let built = 0;
  const get = (key: string, parts = 4) => cache.get(key, () => (built++, planOf(parts)));
  const a = get('a');
  assert.equal(get('a'), a, 'the same plan for the same key');
  assert.equal(built, 1);
  get('b');
  get('a');
  get('c'); // 12 parts: b, the least recently used, goes
  assert.equal(built, 3);
  assert.equal(get('a'), a, 'a was used last before c: kept');
  get('b');
  assert.equal(built, 4, 'b was evicted and is built again');
  const huge = get('huge', 11);
  assert.notEqual(get('huge', 11), huge, 'a plan larger than the bound is never kept');
});

test('a repeated query reuses its plan and answers the same; a moved retention edge makes a new plan', async () => {
  const store = createMemoryMeterQueryStore();
  let nowMs = Math.floor(Date.now() / hour) * hour + 30 * 60_000;
  const queries = createMeterQueryService({ store, limits: { maxWindows: 1000, maxBuckets: 1_000_000 }, now: () => nowMs });
  store.facts.set('m', [{ customerId: 'c', subject: 's', groupValues: {}, timeMs: nowMs - 5 * hour, value: 3 }]);
  const query = { meter, zone: zones('Europe/Berlin')!, windowSize: 'HOUR' as const, fromMs: nowMs - 30 * hour - 30 * 60_000, toMs: nowMs - 30 * 60_000, groupBy: [], filters: {} };
  const first = await queries.query(query);
  const second = await queries.query(query);
  assert.deepEqual([second.fromMs, second.toMs, second.rows], [first.fromMs, first.toMs, first.rows]);
  assert.equal(first.rows.length, 1, 'the one event is answered');
  assert.equal(store.requests[1]!.windows, store.requests[0]!.windows, 'the kept plan is read again');
  nowMs += 60_000;
  await queries.query(query);
  assert.notEqual(store.requests[2]!.windows, store.requests[0]!.windows, 'the minute retention edge moved: planned again');
  assert.deepEqual(store.requests[2]!.windows, store.requests[0]!.windows, 'to the same parts');
});
