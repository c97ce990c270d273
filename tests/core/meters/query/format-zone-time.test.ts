import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createZoneTimeFormatter, formatZoneTime } from '../../../../core/meters/query/format-zone-time.js';
import { createZoneOffsetCache } from '../../../../core/meters/query/zone-offsets.js';
import { seededRandom } from '../redis/meter-fixtures.js';

const zones = createZoneOffsetCache();
const minute = 60_000;

test('the per-answer formatter renders every instant as formatZoneTime does, across offset changes', () => {
  const random = seededRandom(5);
  const fromMs = Date.parse('2025-12-25T00:00:00Z');
  const toMs = Date.parse('2027-01-05T00:00:00Z');
  let compared = 0;
  for (const zone of ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham']) {
    const offsets = zones(zone)!.over(fromMs, toMs);
    const format = createZoneTimeFormatter(offsets);
    // In order, as an answer's windows come, by minutes, hours and days, plus random jumps back and forth.
    const instants: number[] = [];
    for (let t = fromMs; t < toMs; t += 15 * minute * (1 + random.int(200))) instants.push(t);
    for (let i = 0; i < 500; i++) instants.push(fromMs + random.int((toMs - fromMs) / minute) * minute);
    instants.push(toMs + 1234, fromMs - 999, Date.parse('9999-12-31T23:00:00Z'), Date.parse('+010000-01-01T00:00:00Z'));
    for (const ms of instants) {
      assert.equal(format(ms), formatZoneTime(offsets, ms), `${zone} at ${new Date(ms).toISOString()}`);
      compared++;
    }
  }
  assert.ok(compared > 5_000, `compared ${compared}`);
});

test('offsets render as OpenMeter does: Z, whole and partial hours', () => {
  const at = Date.parse('2026-07-01T12:00:00Z');
  const render = (zone: string) => createZoneTimeFormatter(zones(zone)!.over(at, at))(at);
  assert.equal(render('UTC'), '2026-07-01T12:00:00Z');
  assert.equal(render('America/New_York'), '2026-07-01T08:00:00-04:00');
  assert.equal(render('Asia/Kathmandu'), '2026-07-01T17:45:00+05:45');
  assert.equal(render('America/St_Johns'), '2026-07-01T09:30:00-02:30');
});

test('property: dates by arithmetic equal Date over years 0-9999 and beyond, leap days and century years included', () => {
  const random = seededRandom(11);
  const offsets = zones('UTC')!.over(0, 0);
  const instants = [Date.parse('0000-01-01T00:00:00Z'), Date.parse('0000-02-29T00:00:00Z'), Date.parse('1900-02-28T00:00:00Z'), Date.parse('1900-03-01T00:00:00Z'), Date.parse('2000-02-29T23:59:00Z'), Date.parse('2100-03-01T00:00:00Z'), Date.parse('-000001-12-31T00:00:00Z'), Date.parse('9999-12-31T23:59:00Z'), Date.parse('+010000-01-01T00:00:00Z')];
  const span = Date.parse('+010001-01-01T00:00:00Z') - Date.parse('-000001-01-01T00:00:00Z');
  for (let i = 0; i < 20_000; i++) instants.push(Date.parse('-000001-01-01T00:00:00Z') + random.int(span / minute) * minute);
  for (const ms of instants) {
    // A fresh formatter each time: every instant takes the path that builds its date.
    assert.equal(createZoneTimeFormatter(offsets)(ms), formatZoneTime(offsets, ms), new Date(ms).toISOString());
  }
});
