import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Aggregation, Meter } from '../../../../core/meters/meter.js';
import { createMeterQueryService } from '../../../../core/meters/query/create-meter-query-service.js';
import { formatZoneTime } from '../../../../core/meters/query/format-zone-time.js';
import { createZoneOffsetCache } from '../../../../core/meters/query/zone-offsets.js';
import { WINDOW_SIZES } from '../../../../core/meters/query/zone-windows.js';
import { createMemoryMeterQueryStore } from '../../../support/memory-meter-query-store.js';

const zones = createZoneOffsetCache();
const day = 86_400_000;
const maxWindows = 500;
const meter = (aggregation: Aggregation): Meter => ({ id: 'm', slug: 'm', aggregation, eventType: 'e', groupBy: {}, createdAt: '', updatedAt: '' });

test('without from and to: every zone and window size is answerable, from whole windows, within the window cap', async () => {
  const store = createMemoryMeterQueryStore();
  const queries = createMeterQueryService({ store, limits: { maxWindows, maxBuckets: 10_000_000 } });
  for (const zone of ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Adelaide']) {
    for (const windowSize of WINDOW_SIZES) {
      for (const aggregation of ['SUM', 'AVG'] as const) {
        const answer = await queries.query({ meter: meter(aggregation), zone: zones(zone)!, windowSize, groupBy: [], filters: {} });
        const from = formatZoneTime(answer.offsets, answer.fromMs);
        const what = `${zone} ${windowSize} ${aggregation}: ${from}`;
        if (windowSize !== 'MINUTE') assert.match(from, windowSize === 'HOUR' ? /T\d\d:00:00/ : /T00:00:00/, what);
        if (windowSize === 'MONTH') assert.match(from, /-01T/, what);
        assert.ok(answer.toMs > Date.now(), `${what}: up to now`);
      }
    }
  }
});

test('without from: the oldest retained whole window at a granularity its edges fall on', async () => {
  const store = createMemoryMeterQueryStore();
  const queries = createMeterQueryService({ store, limits: { maxWindows: 100_000, maxBuckets: 100_000_000 } });
  const now = Date.now();
  const utcMonths = await queries.query({ meter: meter('SUM'), zone: zones('UTC')!, windowSize: 'MONTH', groupBy: [], filters: {} });
  assert.ok(utcMonths.fromMs >= now - 1830 * day && utcMonths.fromMs < now - 1790 * day, 'day buckets reach back 1830 days');
  const berlinMonths = await queries.query({ meter: meter('AVG'), zone: zones('Europe/Berlin')!, windowSize: 'MONTH', groupBy: [], filters: {} });
  assert.ok(berlinMonths.fromMs >= now - 400 * day && berlinMonths.fromMs < now - 360 * day, 'Berlin months fall on hours: hour retention');
  const kolkataDays = await queries.query({ meter: meter('AVG'), zone: zones('Asia/Kolkata')!, windowSize: 'DAY', groupBy: [], filters: {} });
  assert.ok(kolkataDays.fromMs >= now - 8 * day && kolkataDays.fromMs < now - 6 * day, 'Kolkata days fall on minutes: minute retention');
  const plain = await queries.query({ meter: meter('AVG'), zone: zones('Asia/Kolkata')!, groupBy: [], filters: {} });
  assert.equal(plain.fromMs % day, 0);
  assert.equal(plain.toMs % day, 0);
  assert.ok(plain.toMs > now && plain.toMs <= now + day, 'to the end of the current UTC day');
});

test('without from, windows stop at the cap: the last maxWindows windows up to now', async () => {
  const store = createMemoryMeterQueryStore();
  const queries = createMeterQueryService({ store, limits: { maxWindows, maxBuckets: 10_000_000 } });
  const hours = await queries.query({ meter: meter('SUM'), zone: zones('UTC')!, windowSize: 'HOUR', groupBy: [], filters: {} });
  const windows = (hours.toMs - hours.fromMs) / 3_600_000;
  assert.ok(windows <= maxWindows && windows >= maxWindows - 3, `${windows} windows`);
  assert.equal(hours.toMs, Math.ceil((Date.now() + 1) / 3_600_000) * 3_600_000, 'to the end of the current hour');
});
