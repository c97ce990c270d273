import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatZoneTime } from '../../../../core/meters/query/format-zone-time.js';
import { createZoneOffsetCache } from '../../../../core/meters/query/zone-offsets.js';
import { windowStart, zoneWindows, type WindowSize } from '../../../../core/meters/query/zone-windows.js';

const zones = createZoneOffsetCache();
const day = 86_400_000;

function windowsIn(zone: string, size: WindowSize, from: string, to: string): [string, string][] {
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  const offsets = zones(zone)!.over(fromMs - 40 * day, toMs + 40 * day);
  return zoneWindows(offsets, size, fromMs, toMs).map((w) => [formatZoneTime(offsets, w.startMs), formatZoneTime(offsets, w.endMs)]);
}

test('UTC windows of every size, with Z', () => {
  assert.deepEqual(windowsIn('UTC', 'MINUTE', '2026-05-01T10:00:00Z', '2026-05-01T10:02:00Z'), [
    ['2026-05-01T10:00:00Z', '2026-05-01T10:01:00Z'],
    ['2026-05-01T10:01:00Z', '2026-05-01T10:02:00Z'],
  ]);
  assert.deepEqual(windowsIn('UTC', 'HOUR', '2026-05-01T10:30:00Z', '2026-05-01T12:00:00Z'), [
    ['2026-05-01T10:00:00Z', '2026-05-01T11:00:00Z'],
    ['2026-05-01T11:00:00Z', '2026-05-01T12:00:00Z'],
  ]);
  assert.deepEqual(windowsIn('UTC', 'DAY', '2026-02-28T00:00:00Z', '2026-03-02T00:00:00Z'), [
    ['2026-02-28T00:00:00Z', '2026-03-01T00:00:00Z'],
    ['2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z'],
  ]);
  assert.deepEqual(windowsIn('Etc/UTC', 'MONTH', '2026-01-15T00:00:00Z', '2026-03-01T00:00:00Z'), [
    ['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'],
    ['2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z'],
  ]);
});

test('half-hour and quarter-hour offsets: Asia/Kolkata days start at 18:30 UTC, Asia/Kathmandu hours at :15', () => {
  assert.deepEqual(windowsIn('Asia/Kolkata', 'DAY', '2026-04-30T18:30:00Z', '2026-05-02T18:30:00Z'), [
    ['2026-05-01T00:00:00+05:30', '2026-05-02T00:00:00+05:30'],
    ['2026-05-02T00:00:00+05:30', '2026-05-03T00:00:00+05:30'],
  ]);
  const kolkataHour = zoneWindows(zones('Asia/Kolkata')!.over(0, 2 * day), 'HOUR', Date.parse('1970-01-01T10:00:00Z'), Date.parse('1970-01-01T10:01:00Z'));
  assert.deepEqual(kolkataHour.map((w) => new Date(w.startMs).toISOString()), ['1970-01-01T09:30:00.000Z']);
  assert.deepEqual(windowsIn('Asia/Kathmandu', 'HOUR', '2026-05-01T00:15:00Z', '2026-05-01T01:15:00Z'), [['2026-05-01T06:00:00+05:45', '2026-05-01T07:00:00+05:45']]);
  assert.deepEqual(windowsIn('Australia/Adelaide', 'MONTH', '2026-04-01T00:00:00Z', '2026-04-02T00:00:00Z'), [
    ['2026-04-01T00:00:00+10:30', '2026-05-01T00:00:00+09:30'],
  ]);
});

test('DST: America/New_York days of 23 and 25 hours, the repeated hour is two windows', () => {
  const spring = windowsIn('America/New_York', 'DAY', '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z');
  assert.deepEqual(spring, [['2026-03-08T00:00:00-05:00', '2026-03-09T00:00:00-04:00']]);
  const fall = windowsIn('America/New_York', 'DAY', '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z');
  assert.deepEqual(fall, [['2026-11-01T00:00:00-04:00', '2026-11-02T00:00:00-05:00']]);
  assert.deepEqual(windowsIn('America/New_York', 'HOUR', '2026-11-01T05:00:00Z', '2026-11-01T07:00:00Z'), [
    ['2026-11-01T01:00:00-04:00', '2026-11-01T01:00:00-05:00'],
    ['2026-11-01T01:00:00-05:00', '2026-11-01T02:00:00-05:00'],
  ]);
  assert.deepEqual(windowsIn('America/New_York', 'HOUR', '2026-03-08T06:00:00Z', '2026-03-08T08:00:00Z'), [
    ['2026-03-08T01:00:00-05:00', '2026-03-08T03:00:00-04:00'],
    ['2026-03-08T03:00:00-04:00', '2026-03-08T04:00:00-04:00'],
  ]);
});

test('DST: Europe/Berlin MONTH windows, and a midnight gap (America/Havana) starts the day when the gap ends', () => {
  assert.deepEqual(windowsIn('Europe/Berlin', 'MONTH', '2026-03-10T00:00:00Z', '2026-04-10T00:00:00Z'), [
    ['2026-03-01T00:00:00+01:00', '2026-04-01T00:00:00+02:00'],
    ['2026-04-01T00:00:00+02:00', '2026-05-01T00:00:00+02:00'],
  ]);
  const havana = windowsIn('America/Havana', 'DAY', '2026-03-08T12:00:00Z', '2026-03-08T13:00:00Z');
  assert.deepEqual(havana, [['2026-03-08T01:00:00-04:00', '2026-03-09T00:00:00-04:00']]);
});

/** An independent reading of the wall clock, one Intl call per instant. */
const formats = new Map<string, Intl.DateTimeFormat>();
function wall(zone: string, ms: number): { y: number; mo: number; d: number; h: number; mi: number } {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formats.set(zone, format);
  }
  const parts = format.formatToParts(ms);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour'), mi: get('minute') };
}

function checkWindowAt(zone: string, size: WindowSize, t: number): void {
  const offsets = zones(zone)!.over(t - 40 * day, t + 40 * day);
  const [window] = zoneWindows(offsets, size, t, t + 1);
  assert.ok(window && window.startMs <= t && t < window.endMs, 'instant inside its window');
  assert.equal(windowStart(offsets, size, window.endMs), window.endMs, 'the end starts the next window');
  const start = wall(zone, window.startMs);
  const at = wall(zone, t);
  const startsAtChange = offsetOf(zone, window.startMs - 60_000) !== offsetOf(zone, window.startMs);
  if (!startsAtChange) assert.equal(start.mi, size === 'MINUTE' ? at.mi : 0);
  if (size === 'DAY' || size === 'MONTH') assert.equal(start.h === 0 || start.h === 1, true, 'local midnight (or the end of a midnight gap)');
  if (size === 'MONTH') assert.equal(start.d, 1);
  if (size !== 'MINUTE' && size !== 'HOUR') assert.equal(`${start.y}-${start.mo}`, `${at.y}-${at.mo}`);
}

function offsetOf(zone: string, ms: number): number {
  const w = wall(zone, ms);
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi) - Math.floor(ms / 60_000) * 60_000;
}

const dstZones = ['America/New_York', 'Europe/Berlin', 'Australia/Adelaide', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Havana', 'America/Santiago', 'America/Asuncion', 'Asia/Gaza', 'Africa/Casablanca'];

test('property: every instant lies in its window, whose start is the truncated local time and whose end starts the next', () => {
  const sample = ['UTC', 'Asia/Kolkata', 'Asia/Kathmandu', ...dstZones];
  fc.assert(
    fc.property(
      fc.constantFrom(...sample),
      fc.constantFrom<WindowSize>('MINUTE', 'HOUR', 'DAY', 'MONTH'),
      fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2030-01-01T00:00:00Z') }),
      checkWindowAt,
    ),
    { numRuns: 600 },
  );
});

test('property: the same within two days of every offset change of 2026, found by a plain hourly scan', () => {
  const near: [string, number][] = [];
  for (const zone of dstZones) {
    let previous = offsetOf(zone, Date.parse('2026-01-01T00:00:00Z'));
    for (let ms = Date.parse('2026-01-01T01:00:00Z'); ms < Date.parse('2027-01-01T00:00:00Z'); ms += 3_600_000) {
      const offset = offsetOf(zone, ms);
      if (offset !== previous) near.push([zone, ms]);
      previous = offset;
    }
  }
  assert.ok(near.length >= 15, `found ${near.length} changes`);
  fc.assert(
    fc.property(fc.constantFrom(...near), fc.constantFrom<WindowSize>('MINUTE', 'HOUR', 'DAY', 'MONTH'), fc.integer({ min: -2 * day, max: 2 * day }), ([zone, ms], size, delta) =>
      checkWindowAt(zone, size, ms + delta),
    ),
    { numRuns: 800 },
  );
});
