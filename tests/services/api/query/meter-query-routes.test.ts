import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Meter } from '../../../../core/meters/meter.js';
import type { MeterFact } from '../../../support/meter-reference.js';
import { useReadTestApp, type ReadTestApp } from './read-test-app.js';

const app = useReadTestApp();
const alice = '01JALICE000000000000000000';
const bob = '01JBOB00000000000000000000';

async function meterWith(api: ReadTestApp, slug: string, facts: Omit<MeterFact, 'customerId' | 'subject' | 'groupValues'>[] & Partial<MeterFact>[], aggregation = 'SUM'): Promise<Meter> {
  const body = { slug, aggregation, eventType: 'llm', groupBy: { model: '$.model' }, ...(aggregation === 'COUNT' ? {} : { valueProperty: '$.tokens' }) };
  const created = await api.call('POST', '/api/v1/meters', { token: api.adminToken, body });
  assert.equal(created.status, 201, created.text);
  const meter = created.body as Meter;
  api.store.facts.set(
    meter.id,
    facts.map((f) => ({ customerId: alice, subject: 'alice', groupValues: { model: 'gpt-4o' }, ...f }) as MeterFact),
  );
  return meter;
}

/** Every granularity the store was asked to read since the last reset. */
const granularities = (api: ReadTestApp) => [...new Set(api.store.requests.flatMap((r) => r.windows.map((w) => w.granularity ?? r.granularity)))].sort();

const at = (iso: string, value: number, extra: Partial<MeterFact> = {}) => ({ timeMs: Date.parse(iso), value, ...extra });

test('v1 DAY windows in UTC: exact shape, only windows with data, ordered, day buckets read', async () => {
  const api = app();
  await meterWith(api, 'utc_days', [at('2026-05-01T10:00:00Z', 5), at('2026-05-01T23:59:00Z', 7), at('2026-05-03T00:00:00Z', 1, { groupValues: { model: 'o3' } })]);
  api.store.requests.length = 0;
  const res = await api.call('GET', '/api/v1/meters/utc_days/query?from=2026-05-01T00:00:00Z&to=2026-05-04T00:00:00Z&windowSize=DAY&groupBy=model');
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body, {
    from: '2026-05-01T00:00:00Z',
    to: '2026-05-04T00:00:00Z',
    windowSize: 'DAY',
    data: [
      { value: 12, windowStart: '2026-05-01T00:00:00Z', windowEnd: '2026-05-02T00:00:00Z', subject: null, groupBy: { model: 'gpt-4o' } },
      { value: 1, windowStart: '2026-05-03T00:00:00Z', windowEnd: '2026-05-04T00:00:00Z', subject: null, groupBy: { model: 'o3' } },
    ],
  });
  assert.deepEqual(granularities(api), ['day']);
});

test('v1 DAY windows in Asia/Kolkata carry +05:30 and are read as hours with minutes at the 18:30 UTC edges; older ones get a 400 saying why', async () => {
  const api = app();
  const day = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 3 * 86_400_000 - 5.5 * 3_600_000;
  const iso = (minutes: number) => new Date(day + minutes * 60_000).toISOString();
  await meterWith(api, 'kolkata_days', [at(iso(-1), 100), at(iso(0), 2), at(iso(1439), 3)]);
  api.store.requests.length = 0;
  const res = await api.call('GET', `/api/v1/meters/kolkata_days/query?from=${iso(0)}&to=${iso(2880)}&windowSize=DAY&windowTimeZone=Asia/Kolkata`);
  assert.equal(res.status, 200, res.text);
  const { data } = res.body as { data: { value: number; windowStart: string; windowEnd: string }[] };
  assert.deepEqual(data.map((r) => [r.windowStart.slice(10), r.windowEnd.slice(10), r.value]), [['T00:00:00+05:30', 'T00:00:00+05:30', 5]]);
  assert.deepEqual(granularities(api), ['hour', 'minute'], 'hours inside, minutes at the half-hour edges');

  const old = await api.call('GET', '/api/v1/meters/kolkata_days/query?from=2026-04-30T18:30:00Z&to=2026-05-02T18:30:00Z&windowSize=DAY&windowTimeZone=Asia/Kolkata');
  assert.equal(old.status, 400);
  assert.equal(old.headers.get('content-type'), 'application/problem+json');
  assert.match((old.body as { detail: string }).detail, /cannot answer exactly from 2026-05-01T00:00:00\+05:30: .* minute buckets, kept only from/);
});

test('a range from a past day to now is read as days, hours and minutes, for every aggregation', async () => {
  const api = app();
  const nowMinute = Math.floor(Date.now() / 60_000) * 60_000;
  const from = new Date(Math.floor(nowMinute / 86_400_000) * 86_400_000 - 30 * 86_400_000).toISOString();
  const to = new Date(nowMinute).toISOString();
  const facts = [at(from, 1), at(new Date(nowMinute - 90 * 60_000).toISOString(), 2), at(new Date(nowMinute - 60_000).toISOString(), 4), at(to, 8)];
  await meterWith(api, 'to_now_sum', facts);
  api.store.requests.length = 0;
  const sum = await api.call('GET', `/api/v1/meters/to_now_sum/query?from=${from}&to=${to}`);
  assert.equal(sum.status, 200, sum.text);
  assert.deepEqual((sum.body as { data: { value: number }[] }).data.map((r) => r.value), [7]);
  const read = new Set(granularities(api));
  assert.ok(read.has('day') && read.size === 1 + Number(nowMinute % 86_400_000 >= 3_600_000) + Number(nowMinute % 3_600_000 !== 0), [...read].join());
  await meterWith(api, 'to_now_avg', facts, 'AVG');
  const avg = await api.call('GET', `/api/v1/meters/to_now_avg/query?from=${from}&to=${to}`);
  assert.equal(avg.status, 200, avg.text);
  assert.deepEqual((avg.body as { data: { value: number }[] }).data.map((r) => r.value), [7 / 3], 'the parts of one window are merged as one state');
});

test('v1 windows across the New York DST change: a 25-hour day and HOUR windows with both offsets', async () => {
  const api = app();
  await meterWith(api, 'ny', [at('2026-11-01T04:00:00Z', 1), at('2026-11-01T05:30:00Z', 2), at('2026-11-01T06:30:00Z', 4), at('2026-11-02T04:59:00Z', 8)]);
  const days = await api.call('GET', '/api/v1/meters/ny/query?from=2026-11-01T04:00:00Z&to=2026-11-02T05:00:00Z&windowSize=DAY&windowTimeZone=America/New_York');
  assert.deepEqual((days.body as { data: unknown[] }).data, [{ value: 15, windowStart: '2026-11-01T00:00:00-04:00', windowEnd: '2026-11-02T00:00:00-05:00', subject: null, groupBy: {} }]);
  const hours = await api.call('GET', '/api/v1/meters/ny/query?from=2026-11-01T05:00:00Z&to=2026-11-01T07:00:00Z&windowSize=HOUR&windowTimeZone=America/New_York');
  const rows = (hours.body as { data: { value: number; windowStart: string }[] }).data;
  assert.deepEqual(rows.map((r) => [r.windowStart, r.value]), [['2026-11-01T01:00:00-04:00', 2], ['2026-11-01T01:00:00-05:00', 4]]);
});

test('MONTH windows: UTC from days, Europe/Berlin from hours; a partial first window keeps its whole bounds', async () => {
  const api = app();
  await meterWith(api, 'months', [at('2026-03-14T12:00:00Z', 1), at('2026-03-31T21:59:00Z', 2), at('2026-03-31T22:00:00Z', 4), at('2026-04-20T00:00:00Z', 8)]);
  api.store.requests.length = 0;
  const utc = await api.call('GET', '/api/v1/meters/months/query?from=2026-03-01T00:00:00Z&to=2026-05-01T00:00:00Z&windowSize=MONTH');
  assert.deepEqual((utc.body as { data: { value: number }[] }).data.map((r) => r.value), [7, 8]);
  assert.deepEqual(granularities(api), ['day']);
  const berlin = await api.call('GET', '/api/v1/meters/months/query?from=2026-03-10T00:00:00Z&to=2026-05-01T00:00:00Z&windowSize=MONTH&windowTimeZone=Europe/Berlin');
  const rows = (berlin.body as { data: { value: number; windowStart: string; windowEnd: string }[] }).data;
  assert.deepEqual(rows.map((r) => [r.windowStart, r.windowEnd, r.value]), [
    ['2026-03-01T00:00:00+01:00', '2026-04-01T00:00:00+02:00', 3],
    ['2026-04-01T00:00:00+02:00', '2026-05-01T00:00:00+02:00', 12],
  ]);
});

test('MINUTE and HOUR windows near now, and Asia/Kathmandu days read from minutes', async () => {
  const api = app();
  const base = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 2 * 86_400_000;
  const iso = (offsetMin: number) => new Date(base + offsetMin * 60_000).toISOString();
  await meterWith(api, 'recent', [at(iso(0), 1), at(iso(0.5), 2), at(iso(1), 4), at(iso(61), 8)]);
  const minutes = await api.call('GET', `/api/v1/meters/recent/query?from=${iso(0)}&to=${iso(2)}&windowSize=MINUTE`);
  assert.deepEqual((minutes.body as { data: { value: number }[] }).data.map((r) => r.value), [3, 4]);
  const hours = await api.call('GET', `/api/v1/meters/recent/query?from=${iso(0)}&to=${iso(120)}&windowSize=HOUR`);
  assert.deepEqual((hours.body as { data: { value: number }[] }).data.map((r) => r.value), [7, 8]);
  api.store.requests.length = 0;
  const nepal = await api.call('GET', `/api/v1/meters/recent/query?from=${iso(-24 * 60)}&to=${iso(24 * 60)}&windowSize=DAY&windowTimeZone=Asia/Kathmandu`);
  assert.equal(nepal.status, 200, nepal.text);
  const rows = (nepal.body as { data: { value: number; windowStart: string }[] }).data;
  assert.deepEqual(rows.map((r) => [r.windowStart.slice(11), r.value]), [['00:00:00+05:45', 15]]);
  assert.ok(granularities(api).includes('minute'));
});

test('without windowSize: one row per group spanning [from, to); groupBy subject and customer_id; filters', async () => {
  const api = app();
  await meterWith(api, 'groups', [
    at('2026-05-01T01:00:00Z', 1),
    at('2026-05-01T02:00:00Z', 2, { subject: 'bob', customerId: bob }),
    at('2026-05-01T03:00:00Z', 4, { groupValues: { model: 'o3' } }),
  ]);
  const range = 'from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z';
  const all = await api.call('GET', `/api/v1/meters/groups/query?${range}`);
  assert.deepEqual((all.body as { data: unknown[] }).data, [{ value: 7, windowStart: '2026-05-01T00:00:00Z', windowEnd: '2026-05-02T00:00:00Z', subject: null, groupBy: {} }]);
  const bySubject = await api.call('GET', `/api/v1/meters/groups/query?${range}&groupBy=subject&groupBy=customer_id`);
  assert.deepEqual((bySubject.body as { data: unknown[] }).data, [
    { value: 5, windowStart: '2026-05-01T00:00:00Z', windowEnd: '2026-05-02T00:00:00Z', subject: 'alice', customerId: alice, groupBy: {} },
    { value: 2, windowStart: '2026-05-01T00:00:00Z', windowEnd: '2026-05-02T00:00:00Z', subject: 'bob', customerId: bob, groupBy: {} },
  ]);
  const value = async (q: string) => ((await api.call('GET', `/api/v1/meters/groups/query?${range}&${q}`)).body as { data: { value: number }[] }).data.map((r) => r.value);
  assert.deepEqual(await value('subject=bob'), [2]);
  assert.deepEqual(await value('subject=bob&subject=alice'), [7]);
  assert.deepEqual(await value(`filterCustomerId=${alice}`), [5]);
  assert.deepEqual(await value('filterGroupBy[model]=o3'), [4]);
  assert.deepEqual(await value(`advancedMeterGroupByFilters=${encodeURIComponent('{"model":{"$in":["gpt-4o"]}}')}`), [3]);
  const post = await api.call('POST', '/api/v1/meters/groups/query', {
    body: { from: '2026-05-01T00:00:00Z', to: '2026-05-02T00:00:00Z', groupBy: ['model'], filterGroupBy: { model: ['gpt-4o', 'o3'] }, subject: ['alice'] },
  });
  assert.deepEqual((post.body as { data: { value: number; groupBy: unknown }[] }).data.map((r) => [r.groupBy, r.value]), [[{ model: 'gpt-4o' }, 1], [{ model: 'o3' }, 4]]);
});

test('CSV for Accept: text/csv, with Content-Disposition and quoted fields', async () => {
  const api = app();
  await meterWith(api, 'csv_meter', [at('2026-05-01T01:00:00Z', 1.5), at('2026-05-02T01:00:00Z', 2, { groupValues: { model: 'gpt,"4"' } })]);
  const res = await api.call('GET', '/api/v1/meters/csv_meter/query?from=2026-05-01T00:00:00Z&to=2026-05-03T00:00:00Z&windowSize=DAY&groupBy=subject&groupBy=model', { accept: 'text/csv' });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
  assert.equal(res.headers.get('content-disposition'), 'attachment; filename="csv_meter.csv"');
  assert.equal(
    res.text,
    'window_start,window_end,subject,model,value\n' +
      '2026-05-01T00:00:00Z,2026-05-02T00:00:00Z,alice,gpt-4o,1.5\n' +
      '2026-05-02T00:00:00Z,2026-05-03T00:00:00Z,alice,"gpt,""4""",2\n',
  );
});
