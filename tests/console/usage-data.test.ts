import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MeterQueryRow } from '../../console/src/api/types.js';
import { createAxisLabels } from '../../console/src/usage/axis-labels.js';
import { usageCsv } from '../../console/src/usage/usage-csv.js';
import { sortRows, toSeries } from '../../console/src/usage/usage-series.js';
import { alignRange, nextWindow, windowStart, windowStarts } from '../../console/src/usage/zone-time.js';

const iso = (ms: number) => new Date(ms).toISOString();
const at = (s: string) => Date.parse(s);

test('windows in UTC, in a half-hour zone and across a DST change', () => {
  assert.equal(iso(windowStart(at('2026-05-01T10:17:42Z'), 'MINUTE', 'UTC')), '2026-05-01T10:17:00.000Z');
  assert.equal(iso(windowStart(at('2026-05-01T10:17:42Z'), 'HOUR', 'Asia/Kolkata')), '2026-05-01T09:30:00.000Z');
  assert.equal(iso(windowStart(at('2026-05-01T10:17:42Z'), 'DAY', 'Asia/Kolkata')), '2026-04-30T18:30:00.000Z');
  assert.equal(iso(windowStart(at('2026-05-14T10:00:00Z'), 'MONTH', 'Europe/Berlin')), '2026-04-30T22:00:00.000Z');
  // New York springs forward on 2026-03-08: that day has 23 hours.
  const march8 = windowStart(at('2026-03-08T12:00:00Z'), 'DAY', 'America/New_York');
  assert.equal(iso(march8), '2026-03-08T05:00:00.000Z');
  assert.equal(iso(nextWindow(march8, 'DAY', 'America/New_York')), '2026-03-09T04:00:00.000Z');
  assert.equal(iso(nextWindow(at('2026-01-01T00:00:00Z'), 'MONTH', 'UTC')), '2026-02-01T00:00:00.000Z');
});

test('a range widens to whole windows, and every window of it is listed', () => {
  const range = alignRange(at('2026-05-01T10:17:42Z'), at('2026-05-01T13:05:00Z'), 'HOUR', 'UTC');
  assert.deepEqual([iso(range.from), iso(range.to)], ['2026-05-01T10:00:00.000Z', '2026-05-01T14:00:00.000Z']);
  assert.equal(windowStarts(range.from, range.to, 'HOUR', 'UTC')?.length, 4);
  assert.equal(windowStarts(range.from, range.to, 'MINUTE', 'UTC', 100), undefined, 'too many windows to draw');
});

const rows: MeterQueryRow[] = [
  { value: 5, windowStart: '2026-05-01T11:00:00Z', windowEnd: '2026-05-01T12:00:00Z', groupBy: { model: 'gpt-4o' } },
  { value: 2, windowStart: '2026-05-01T10:00:00Z', windowEnd: '2026-05-01T11:00:00Z', groupBy: { model: 'gpt-4o' } },
  { value: 7, windowStart: '2026-05-01T10:00:00Z', windowEnd: '2026-05-01T11:00:00Z', groupBy: { model: 'claude, "large"' } },
];

test('series: one per group over every window; empty windows are 0 for SUM and gaps for MAX', () => {
  const starts = [at('2026-05-01T10:00:00Z'), at('2026-05-01T11:00:00Z'), at('2026-05-01T12:00:00Z')];
  const sum = toSeries(rows, 'model', 'SUM', starts);
  assert.deepEqual(sum.x, starts.map((t) => t / 1000));
  assert.deepEqual(sum.groups, [
    { label: 'claude, "large"', values: [7, 0, 0] },
    { label: 'gpt-4o', values: [2, 5, 0] },
  ]);
  assert.deepEqual(toSeries(rows, 'model', 'MAX', starts).groups[0]?.values, [7, null, null]);
  assert.deepEqual(toSeries(rows, undefined, 'SUM').groups.map((g) => g.label), ['']);
});

test('CSV has the API CSV columns, the rows in table order, and quotes what needs it', () => {
  const csv = usageCsv(sortRows(rows, 'model'), 'model');
  assert.equal(
    csv,
    [
      'window_start,window_end,model,value',
      '2026-05-01T10:00:00Z,2026-05-01T11:00:00Z,"claude, ""large""",7',
      '2026-05-01T10:00:00Z,2026-05-01T11:00:00Z,gpt-4o,2',
      '2026-05-01T11:00:00Z,2026-05-01T12:00:00Z,gpt-4o,5',
      '',
    ].join('\r\n'),
  );
  assert.equal(usageCsv([], undefined), 'window_start,window_end,value\r\n');
});

test('axis labels: 24-hour times in the zone with the date at midnight, dates or months for longer spans', () => {
  const labels = createAxisLabels('Asia/Kolkata');
  const s = (iso: string) => Date.parse(iso) / 1000;
  assert.deepEqual(labels([s('2026-05-01T16:30:00Z'), s('2026-05-01T18:30:00Z'), s('2026-05-01T20:30:00Z')]), ['22:00\n1 May', '00:00\n2 May', '02:00']);
  const utc = createAxisLabels('UTC');
  assert.deepEqual(utc([s('2026-05-01T00:00:00Z'), s('2026-05-01T12:00:00Z'), s('2026-05-11T00:00:00Z')]), ['1 May', '12:00', '11 May']);
  assert.deepEqual(utc([s('2026-01-01T00:00:00Z'), s('2026-01-15T00:00:00Z'), s('2026-07-01T00:00:00Z')]), ['Jan 2026', '15 Jan', 'Jul 2026']);
});
