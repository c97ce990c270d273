import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { AGGREGATIONS, type Meter } from '../../../../core/meters/meter.js';
import { createMeterQueryService } from '../../../../core/meters/query/create-meter-query-service.js';
import { formatZoneTime } from '../../../../core/meters/query/format-zone-time.js';
import { createZoneOffsetCache } from '../../../../core/meters/query/zone-offsets.js';
import { WINDOW_SIZES } from '../../../../core/meters/query/zone-windows.js';
import { createMemoryMeterQueryStore } from '../../../support/memory-meter-query-store.js';
import { labelOfWindowStart, referenceRows, type MeterFact } from '../../../support/meter-reference.js';

const zones = createZoneOffsetCache();
const minute = 60_000;
const zoneNames = ['UTC', 'Asia/Kolkata', 'Asia/Kathmandu', 'America/New_York', 'Europe/Berlin', 'Australia/Adelaide'];

/**
 * The planner and the service against the obvious computation: random facts
 * over the last days, random window size, zone, groupBy, filters and range
 * (minute-aligned, so sometimes partial windows), over buckets that refuse
 * any window not on their granularity.
 */
test('property: query answers equal an in-memory computation over the raw facts', async () => {
  const store = createMemoryMeterQueryStore();
  const queries = createMeterQueryService({ store, limits: { maxWindows: 100_000, maxBuckets: 10_000_000 } });
  const nowMs = Date.now();
  const startMs = Math.floor((nowMs - 6 * 86_400_000) / minute) * minute;
  const fact = fc.record({
    customerId: fc.constantFrom('01JAAAAAAAAAAAAAAAAAAAAAAA', '01JBBBBBBBBBBBBBBBBBBBBBBB'),
    subject: fc.constantFrom('alice', 'bob', 'carol'),
    timeMs: fc.integer({ min: startMs, max: nowMs - 1 }),
    groupValues: fc.record({ model: fc.constantFrom('gpt-4o', 'o3', '') }),
    value: fc.integer({ min: -5, max: 100 }),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.array(fact, { minLength: 1, maxLength: 60 }),
      fc.constantFrom(...AGGREGATIONS),
      fc.option(fc.constantFrom(...WINDOW_SIZES), { nil: undefined }),
      fc.constantFrom(...zoneNames),
      fc.subarray(['model', 'subject', 'customer_id']),
      fc.option(fc.constantFrom<Record<string, string[]>>({ model: ['o3'] }, { subject: ['alice', 'carol'] }), { nil: undefined }),
      fc.integer({ min: 0, max: 3 * 1440 }),
      fc.integer({ min: 1, max: 3 * 1440 }),
      async (facts: MeterFact[], aggregation, windowSize, zone, groupBy, filters, fromMinute, spanMinutes) => {
        const meter: Meter = { id: 'm1', slug: 'm1', aggregation, eventType: 'e', groupBy: { model: '$.model' }, createdAt: '', updatedAt: '' };
        store.facts.set(meter.id, facts);
        const fromMs = startMs + fromMinute * minute;
        const toMs = fromMs + spanMinutes * minute;
        const answer = await queries.query({ meter, fromMs, toMs, windowSize, zone: zones(zone)!, groupBy, filters: filters ?? {} });
        const actual = new Map(answer.rows.map((row) => [`${labelOfWindowStart(windowSize, formatZoneTime(answer.offsets, row.windowStartMs))}|${JSON.stringify(row.dimensions)}`, row.value]));
        const expected = referenceRows(facts, { aggregation, zone, windowSize, fromMs, toMs, groupBy, filters: filters ?? {} });
        assert.deepEqual(actual, expected);
        const starts = answer.rows.map((row) => row.windowStartMs);
        assert.deepEqual(starts, [...starts].sort((a, b) => a - b), 'ordered by window start');
      },
    ),
    { numRuns: 150 },
  );
});
