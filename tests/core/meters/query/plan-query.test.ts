import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TallyError } from '../../../../core/http/tally-error.js';
import type { Granularity } from '../../../../core/meters/meter-query-store.js';
import { planQuery, type PlanInput } from '../../../../core/meters/query/plan-query.js';
import { createZoneOffsetCache } from '../../../../core/meters/query/zone-offsets.js';

const zones = createZoneOffsetCache();
const day = 86_400_000;
const t = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16);

function plan(zone: string, overrides: Partial<PlanInput> & Pick<PlanInput, 'fromMs' | 'toMs'>) {
  return planQuery({
    offsets: zones(zone)!.over(overrides.fromMs - 40 * day, overrides.toMs + 40 * day),
    retentionStartMs: () => t('2020-01-01T00:00:00Z'),
    maxWindows: 1000,
    maxBuckets: 100_000,
    ...overrides,
  });
}

/** Each part as `granularity: from..to -> window`, for readable expectations. */
function reads(result: ReturnType<typeof planQuery>): string[] {
  return result.parts.map((p) => `${p.granularity} ${iso(p.fromMs)}..${iso(p.toMs)} -> ${p.mergeInto}`).sort();
}

test('whole windows are read at the coarsest granularity on both their edges', () => {
  const utc = plan('UTC', { fromMs: t('2026-05-01T00:00:00Z'), toMs: t('2026-05-03T00:00:00Z'), windowSize: 'DAY' });
  assert.deepEqual(reads(utc), ['day 2026-05-01T00:00..2026-05-02T00:00 -> 0', 'day 2026-05-02T00:00..2026-05-03T00:00 -> 1']);
  const partial = plan('UTC', { fromMs: t('2026-05-01T06:00:00Z'), toMs: t('2026-05-02T00:07:00Z'), windowSize: 'DAY' });
  assert.deepEqual(reads(partial), ['hour 2026-05-01T06:00..2026-05-02T00:00 -> 0', 'minute 2026-05-02T00:00..2026-05-02T00:07 -> 1']);
  const berlin = plan('Europe/Berlin', { fromMs: t('2026-03-28T23:00:00Z'), toMs: t('2026-03-29T22:00:00Z'), windowSize: 'DAY' });
  assert.deepEqual(reads(berlin), ['hour 2026-03-28T23:00..2026-03-29T22:00 -> 0']);
  const kathmandu = plan('Asia/Kathmandu', { fromMs: t('2026-05-01T00:15:00Z'), toMs: t('2026-05-01T02:15:00Z'), windowSize: 'HOUR' });
  assert.deepEqual(reads(kathmandu), ['minute 2026-05-01T00:15..2026-05-01T01:15 -> 0', 'minute 2026-05-01T01:15..2026-05-01T02:15 -> 1']);
});

test('windows are read as days in the middle and finer parts only at the edges', () => {
  const kolkata = plan('Asia/Kolkata', { fromMs: t('2026-04-30T18:30:00Z'), toMs: t('2026-05-01T18:30:00Z'), windowSize: 'DAY' });
  assert.deepEqual(reads(kolkata), [
    'hour 2026-04-30T19:00..2026-05-01T18:00 -> 0',
    'minute 2026-04-30T18:30..2026-04-30T19:00 -> 0',
    'minute 2026-05-01T18:00..2026-05-01T18:30 -> 0',
  ]);
  const month = plan('UTC', { fromMs: t('2026-05-01T10:17:00Z'), toMs: t('2026-05-20T03:00:00Z') });
  assert.deepEqual(reads(month), [
    'day 2026-05-02T00:00..2026-05-20T00:00 -> 0',
    'hour 2026-05-01T11:00..2026-05-02T00:00 -> 0',
    'hour 2026-05-20T00:00..2026-05-20T03:00 -> 0',
    'minute 2026-05-01T10:17..2026-05-01T11:00 -> 0',
  ]);
});

test('refusals name the parameter and the reason', () => {
  const refused = (input: Parameters<typeof plan>[1], field: string, detail: RegExp, zone = 'UTC') =>
    assert.throws(
      () => plan(zone, input),
      (error: unknown) => error instanceof TallyError && error.code === 'BAD_REQUEST' && error.invalidParameters[0]?.field === field && detail.test(error.message),
    );
  refused({ fromMs: t('2026-05-01T00:00:01Z'), toMs: t('2026-05-02T00:00:00Z') }, 'from', /from must fall on a whole minute/);
  refused({ fromMs: t('2026-05-01T00:00:00Z'), toMs: t('2026-05-02T00:00:00.500Z') }, 'to', /to must fall on a whole minute/);
  refused({ fromMs: t('2026-05-01T00:00:00Z'), toMs: t('2026-05-02T00:00:00Z'), windowSize: 'MINUTE' }, 'windowSize', /more than 1000 MINUTE windows/);
  refused({ fromMs: t('2026-05-01T00:01:00Z'), toMs: t('2026-07-01T00:00:00Z'), maxBuckets: 100 }, 'from', /would merge 142 buckets, more than the limit of 100/);
  const retention = (g: Granularity) => ({ minute: t('2026-06-01T00:00:00Z'), hour: t('2026-01-01T00:00:00Z'), day: t('2020-01-01T00:00:00Z') })[g];
  refused({ fromMs: t('2026-05-01T00:01:00Z'), toMs: t('2026-05-02T00:00:00Z'), retentionStartMs: retention }, 'from', /minute buckets, kept only from 2026-06-01T00:00:00Z/);
  refused({ fromMs: t('2025-05-01T04:00:00Z'), toMs: t('2025-05-02T04:00:00Z'), retentionStartMs: retention, windowSize: 'DAY' }, 'from', /cannot answer exactly from 2025-05-01T00:00:00-04:00: .*hour buckets, kept only from 2026-01-01T00:00:00Z/, 'America/New_York');
  assert.equal(plan('UTC', { fromMs: t('2025-05-01T00:00:00Z'), toMs: t('2025-05-02T00:00:00Z'), retentionStartMs: retention }).parts[0]!.granularity, 'day', 'UTC days are still kept');
});
