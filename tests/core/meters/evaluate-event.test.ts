import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CloudEvent } from '../../../core/events/cloud-event.js';
import { createEventEvaluator } from '../../../core/meters/evaluate-event.js';
import type { Meter } from '../../../core/meters/meter.js';
import { parseFloat64 } from '../../../core/meters/parse-float64.js';

const meter = (over: Partial<Meter>): Meter => ({
  id: over.slug ?? 'm', slug: 'm', aggregation: 'SUM', eventType: 'llm', valueProperty: '$.tokens', groupBy: {},
  createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', ...over,
});
const event = (data: Record<string, unknown> | null, over: Partial<CloudEvent> = {}): CloudEvent => ({
  specversion: '1.0', id: 'e1', source: 's', type: 'llm', subject: 'alice', time: '2026-05-01T10:00:00.000Z', data, ...over,
});

test('numbers and numeric strings count; groupBy missing paths give ""; subject is a dimension', () => {
  const evaluate = createEventEvaluator();
  const tokens = meter({ slug: 'tokens', groupBy: { model: '$.model', type: '$.type' } });
  const a = evaluate(event({ tokens: '12.5', model: 'gpt-4o' }), [tokens]);
  assert.deepEqual(a.errors, []);
  assert.equal(a.contributions[0]?.value, 12.5);
  assert.deepEqual(a.contributions[0]?.dimensions, { subject: 'alice', model: 'gpt-4o', type: '' });
  assert.equal(evaluate(event({ tokens: 3 }), [tokens]).contributions[0]?.value, 3);
});

test('bad values skip that meter with OpenMeter messages, other meters still count', () => {
  const evaluate = createEventEvaluator();
  const sum = meter({ slug: 'sum' });
  const count = meter({ slug: 'count', aggregation: 'COUNT', valueProperty: undefined });
  const cases: Array<[Record<string, unknown> | null, string]> = [
    [{}, 'invalid event: missing value property: "$.tokens"'],
    [null, 'invalid event: missing value property: "$.tokens"'],
    [{ tokens: null }, 'invalid event: value cannot be null'],
    [{ tokens: 'abc' }, 'invalid event: value cannot be parsed as float64: abc'],
    [{ tokens: ' 1' }, 'invalid event: value cannot be parsed as float64:  1'],
    [{ tokens: 'NaN' }, 'invalid event: value cannot be NaN'],
    [{ tokens: '-Inf' }, 'invalid event: value cannot be infinity'],
    [{ tokens: true }, 'invalid event: value cannot be parsed as float64: true'],
  ];
  for (const [data, message] of cases) {
    const result = evaluate(event(data), [sum, count]);
    assert.deepEqual(result.errors, [message], JSON.stringify(data));
    assert.deepEqual(result.contributions.map((c) => c.meter.slug), ['count']);
  }
});

test('no meter for the type, eventFrom, and UNIQUE_COUNT values', () => {
  const evaluate = createEventEvaluator();
  assert.deepEqual(evaluate(event({}, { type: 'kong.api_request' }), []).errors, ['no meter found for event type: kong.api_request']);
  const late = meter({ eventFrom: '2026-06-01T00:00:00Z' });
  assert.deepEqual(evaluate(event({ tokens: 1 }), [late]), { contributions: [], errors: [] });
  const unique = meter({ aggregation: 'UNIQUE_COUNT', valueProperty: '$.user' });
  assert.equal(evaluate(event({ user: 'u1' }), [unique]).contributions[0]?.value, 'u1');
  assert.equal(evaluate(event({ user: 7 }), [unique]).contributions[0]?.value, '7');
  assert.deepEqual(evaluate(event({ user: null }), [unique]).errors, ['invalid event: value cannot be null']);
});

test('parseFloat64 follows Go strconv.ParseFloat', () => {
  assert.equal(parseFloat64('1e3'), 1000);
  assert.equal(parseFloat64('-.5'), -0.5);
  assert.equal(parseFloat64('5.'), 5);
  assert.equal(parseFloat64('+Infinity'), Number.POSITIVE_INFINITY);
  assert.ok(Number.isNaN(parseFloat64('nan')));
  for (const bad of ['', ' 1', '1 ', '0x10', '1e400', '1_000', 'e5']) assert.equal(parseFloat64(bad), undefined, bad);
});
