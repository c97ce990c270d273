import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MeterQueryAnswer } from '../../../../core/meters/query/meter-query.js';
import { formatZoneTime } from '../../../../core/meters/query/format-zone-time.js';
import { createZoneOffsetCache } from '../../../../core/meters/query/zone-offsets.js';
import { jsonString, jsonStringRecord } from '../../../../services/api/query/json-text.js';
import { v1QueryJson } from '../../../../services/api/query/v1-query-response.js';
import { decimalString, v3QueryJson } from '../../../../services/api/query/v3-query-response.js';

const zones = createZoneOffsetCache();
const awkward = ['', 'plain', 'with "quotes"', 'back\\slash', 'line\nbreak', 'tab\there', '\u0000\u001f\u007f', 'ünïcödé', '漢字', '😀', '\ud800 lone', '</script>', '=SUM(A1)'];

/** The answers as objects, the way they were built before being written as text: the text must be exactly their JSON. */
function v1Objects(answer: MeterQueryAnswer): unknown {
  const time = (ms: number) => formatZoneTime(answer.offsets, ms);
  const result: Record<string, unknown> = { from: time(answer.fromMs), to: time(answer.toMs) };
  if (answer.windowSize) result.windowSize = answer.windowSize;
  result.data = answer.rows.map((row) => {
    const { subject, customer_id: customerId, ...groupBy } = row.dimensions;
    const out: Record<string, unknown> = { value: row.value, windowStart: time(row.windowStartMs), windowEnd: time(row.windowEndMs), subject: subject ?? null };
    if (customerId !== undefined) out.customerId = customerId;
    out.groupBy = groupBy;
    return out;
  });
  return result;
}

function v3Objects(answer: MeterQueryAnswer): unknown {
  const time = (ms: number) => formatZoneTime(answer.offsets, ms);
  const data = answer.rows.map((row) => ({ value: decimalString(row.value), from: time(row.windowStartMs), to: time(row.windowEndMs), dimensions: row.dimensions }));
  return { from: time(answer.fromMs), to: time(answer.toMs), data };
}

function answerWith(zone: string, groupBy: string[], values: number[]): MeterQueryAnswer {
  const fromMs = Date.parse('2026-11-01T00:00:00Z');
  const hour = 3_600_000;
  const rows = values.map((value, i) => {
    const dimensions: Record<string, string> = {};
    groupBy.forEach((key, k) => (dimensions[key] = awkward[(i + k) % awkward.length]!));
    return { windowStartMs: fromMs + i * hour, windowEndMs: fromMs + (i + 1) * hour, dimensions, value };
  });
  return { fromMs, toMs: fromMs + values.length * hour, windowSize: 'HOUR', offsets: zones(zone)!.over(fromMs, fromMs + values.length * hour), rows };
}

test('v1 and v3 answers written as text are exactly the JSON of their objects: awkward strings, odd numbers, zones, every column', () => {
  const values = [0, 1, -0, 2.5, -7, 1e21, 1e-7, 123456789.123, Number.MAX_SAFE_INTEGER, Number.NaN, Number.POSITIVE_INFINITY, 0.1 + 0.2, 42];
  for (const zone of ['UTC', 'America/New_York', 'Asia/Kathmandu']) {
    for (const groupBy of [[], ['model'], ['subject'], ['subject', 'customer_id', 'model', 'région'], ['customer_id', 'a"b', '']]) {
      const answer = answerWith(zone, groupBy, values);
      assert.equal(v1QueryJson(answer), JSON.stringify(v1Objects(answer)), `v1 ${zone} ${groupBy.join()}`);
      assert.equal(v3QueryJson(answer), JSON.stringify(v3Objects(answer)), `v3 ${zone} ${groupBy.join()}`);
    }
  }
  const { windowSize: _, ...empty } = answerWith('UTC', [], []);
  assert.equal(v1QueryJson(empty), JSON.stringify(v1Objects(empty)), 'no windowSize, no rows');
});

test('JSON text pieces match JSON.stringify for every kind of string', () => {
  for (const text of awkward) assert.equal(jsonString(text), JSON.stringify(text), text);
  const record = Object.fromEntries(awkward.map((text, i) => [text, awkward[(i + 1) % awkward.length]!]));
  assert.equal(jsonStringRecord(record), JSON.stringify(record));
  assert.equal(jsonStringRecord({ a: '1', skip: 'x', b: '2' }, new Set(['skip'])), '{"a":"1","b":"2"}');
  assert.equal(jsonStringRecord({}), '{}');
});
