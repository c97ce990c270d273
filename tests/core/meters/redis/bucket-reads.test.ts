import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AGGREGATIONS } from '../../../../core/meters/meter.js';
import type { Granularity, MeterAggregateRequest, TimeWindow } from '../../../../core/meters/meter-query-store.js';
import { parseBucketHash } from '../../../../core/meters/redis/bucket-hash.js';
import { BUCKET_MS, customerBase, LAYOUT, timePart } from '../../../../core/meters/redis/bucket-layout.js';
import { mergeReads, planBucketReads } from '../../../../core/meters/redis/bucket-reads.js';
import { BASE_MS, seededRandom, testMeter } from './meter-fixtures.js';

interface Bucket {
  group: number;
  granularity: Granularity;
  startMs: number;
  main: number;
  count: number;
  time: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const prefix = 'br:';
const groups: Array<{ customerId: string; gid: string; rowDimensions: Record<string, string> }> = [
  { customerId: 'C1', gid: 'g1', rowDimensions: { model: 'a' } },
  { customerId: 'C1', gid: 'g2', rowDimensions: { model: 'b' } },
  { customerId: 'C2', gid: 'g1', rowDimensions: { model: 'a' } },
];

/** Random buckets at every granularity over two UTC months, as the worker's hashes would hold them. */
function randomBuckets(seed: number): Bucket[] {
  const random = seededRandom(seed);
  const buckets: Bucket[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < 3000; i++) {
    const granularity = random.pick(['minute', 'hour', 'day'] as const);
    const span = { minute: 3 * DAY, hour: 40 * DAY, day: 60 * DAY }[granularity];
    const startMs = BASE_MS - 5 * DAY + Math.floor(random.int(span) / BUCKET_MS[granularity]) * BUCKET_MS[granularity];
    const group = random.int(groups.length);
    const id = `${group}:${granularity}:${startMs}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const main = random.int(4) === 0 ? random.int(1000) / 8 - 20 : random.int(500) - 100;
    buckets.push({ group, granularity, startMs, main, count: 1 + random.int(9), time: startMs + random.int(BUCKET_MS[granularity]) });
  }
  return buckets;
}

/** The flat HGETALL reply of every hash, fields in random order (plus a field the reader must ignore). */
function hashesOf(buckets: Bucket[]): Map<string, string[]> {
  const hashes = new Map<string, string[]>();
  for (const bucket of buckets) {
    const { customerId, gid } = groups[bucket.group]!;
    const layout = LAYOUT[bucket.granularity];
    const key = `${customerBase(prefix, customerId)}b:M:${gid}:${layout.code}:${timePart(layout.keyStart(bucket.startMs))}`;
    const field = String(layout.field(bucket.startMs));
    const flat = hashes.get(key) ?? ['x', 'ignored'];
    const pairs = [[`${field}t`, String(bucket.time)], [field, String(bucket.main)], [`${field}n`, String(bucket.count)]];
    if (bucket.main % 2 === 0) pairs.reverse();
    flat.push(...pairs.flat());
    hashes.set(key, flat);
  }
  return hashes;
}

function naive(aggregation: string, buckets: Bucket[], request: MeterAggregateRequest): Map<string, number | null> {
  const rows = new Map<string, Bucket[]>();
  request.windows.forEach(({ fromMs, toMs, granularity = request.granularity, mergeInto }, index) => {
    for (const bucket of buckets) {
      if (bucket.granularity !== granularity || bucket.startMs < fromMs || bucket.startMs >= toMs) continue;
      const key = `${mergeInto ?? index}|${groups[bucket.group]!.rowDimensions.model}`;
      rows.set(key, [...(rows.get(key) ?? []), bucket]);
    }
  });
  const values = new Map<string, number | null>();
  for (const [key, inRow] of rows) {
    const mains = inRow.map((b) => b.main);
    const latest = [...inRow].sort((a, b) => b.time - a.time || b.main - a.main)[0]!;
    const total = mains.reduce((a, b) => a + b, 0);
    const count = inRow.reduce((a, b) => a + b.count, 0);
    const value = { SUM: total, COUNT: total, AVG: total / count, MIN: Math.min(...mains), MAX: Math.max(...mains), LATEST: latest.main }[aggregation];
    values.set(key, value ?? null);
  }
  return values;
}

test('whole-hash reads merged over slot ranges equal a bucket-by-bucket fold, for every aggregation and mixed granularities', () => {
  let compared = 0;
  for (const [seed, aggregation] of AGGREGATIONS.filter((a) => a !== 'UNIQUE_COUNT').entries()) {
    const buckets = randomBuckets(seed + 1);
    const stored = hashesOf(buckets);
    const random = seededRandom(seed + 100);
    // Window parts as the planner makes them: days in the middle, hours and minutes at the edges, several per window.
    const windows: TimeWindow[] = [];
    let at = BASE_MS - 3 * DAY + random.int(48) * HOUR;
    for (let w = 0; w < 12; w++) {
      const part = (granularity: Granularity, toMs: number) => {
        if (toMs > at) windows.push({ fromMs: at, toMs, granularity, mergeInto: w });
        at = toMs;
      };
      at += random.int(60) * 60_000;
      part('minute', Math.ceil(at / HOUR) * HOUR);
      part('hour', random.int(2) === 0 ? Math.ceil(at / DAY) * DAY : at + random.int(30) * HOUR);
      if (at % DAY === 0) part('day', at + random.int(4) * DAY);
      part('minute', at + random.int(90) * 60_000);
    }
    assert.ok(new Set(windows.map((w) => w.granularity)).size === 3, 'parts at every granularity');
    const request: MeterAggregateRequest = {
      meter: { ...testMeter({ slug: 'm', aggregation }), id: 'M' }, granularity: 'minute', windows: windows.filter((w) => w.fromMs < w.toMs), groupBy: ['model'], filters: {},
    };
    const plan = planBucketReads(request);
    const groupHashes = groups.map(({ customerId, gid, rowDimensions }) => ({
      rowDimensions,
      hashes: plan.suffixes.map((suffix, h) => parseBucketHash(plan.granularities[h]!, (stored.get(`${customerBase(prefix, customerId)}b:M:${gid}:${suffix}`) ?? []).join('\n'))),
    }));
    const actual = new Map(mergeReads(aggregation, plan, groupHashes).map((row) => [`${row.window}|${row.dimensions.model}`, row.value]));
    const expected = naive(aggregation, buckets, request);
    assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), `${aggregation}: rows`);
    for (const [key, value] of expected) {
      const got = actual.get(key);
      assert.ok(value !== null && got !== null && got !== undefined && Math.abs(got - value) < 1e-9 * Math.max(1, Math.abs(value)), `${aggregation} ${key}: ${got} vs ${value}`);
      compared++;
    }
  }
  assert.ok(compared > 100, `compared ${compared} rows`);
});

test('a hash is read once however many windows share it, and each window takes only its slots', () => {
  const request: MeterAggregateRequest = {
    meter: { ...testMeter({ slug: 'c', aggregation: 'COUNT' }), id: 'M' },
    granularity: 'hour',
    windows: Array.from({ length: 48 }, (_, h) => ({ fromMs: BASE_MS + h * HOUR, toMs: BASE_MS + (h + 1) * HOUR })),
    groupBy: [],
    filters: {},
  };
  const plan = planBucketReads(request);
  assert.deepEqual(plan.suffixes, [0, 1].map((d) => `h:${timePart(BASE_MS + d * DAY)}`));
  assert.deepEqual(plan.first.slice(22, 26), [22, 23, 0, 1]);
  assert.deepEqual(plan.end.slice(22, 26), [23, 24, 1, 2]);
  const flat = ['3', '5', '23', '7', '0', '11'];
  const rows = mergeReads('COUNT', plan, [{ rowDimensions: {}, hashes: [parseBucketHash('hour', flat.join('\n')), parseBucketHash('hour', '0\n2')] }]);
  assert.deepEqual(rows.map((r) => [r.window, r.value]), [[0, 11], [3, 5], [23, 7], [24, 2]]);
});

test('day hashes are indexed by day of the month, and stray or malformed fields are ignored', () => {
  const hash = parseBucketHash('day', ['1', '4', '31', '9', '31n', '3', '0', '99', '32', '1', '1x', '5', 'n', '7', '', '8', '15t', '1700', '2nn', '6', '3', ''].join('\n'));
  assert.equal(hash.main[0], 4);
  assert.equal(hash.main[30], 9);
  assert.equal(hash.count[30], 3);
  assert.equal(hash.main[14], 0, 'a bucket holding only a sub-field counts as present with 0, as before');
  assert.equal(hash.time[14], 1700);
  assert.equal(hash.main[2], 0, 'an empty value reads as 0, as Number("") did');
  assert.equal(hash.main.filter((v) => !Number.isNaN(v)).length, 4);
  assert.equal(parseBucketHash('hour', '').main.filter((v) => !Number.isNaN(v)).length, 0, 'an empty hash has no buckets');
});
