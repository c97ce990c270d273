import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TallyError } from '../../../core/http/tally-error.js';
import type { Meter } from '../../../core/meters/meter.js';
import { validateMeterInput, validateMeterUpdate } from '../../../core/meters/meter-validation.js';

const sum = { slug: 'tokens_total', aggregation: 'SUM', eventType: 'kong.llm_request', valueProperty: '$.tokens' };

function fieldsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof TallyError, `expected TallyError, got ${String(error)}`);
    assert.equal(error.code, 'BAD_REQUEST');
    return error.invalidParameters.map((p) => p.field);
  }
  assert.fail('expected the input to be rejected');
}

const rejected: [string, unknown, string[]][] = [
  ['not an object', [sum], ['body']],
  ['slug missing', { ...sum, slug: undefined }, ['slug']],
  ['slug with uppercase', { ...sum, slug: 'Tokens' }, ['slug']],
  ['slug with double underscore', { ...sum, slug: 'a__b' }, ['slug']],
  ['slug with leading underscore', { ...sum, slug: '_a' }, ['slug']],
  ['slug with dash', { ...sum, slug: 'a-b' }, ['slug']],
  ['slug of 65 characters', { ...sum, slug: 'a'.repeat(65) }, ['slug']],
  ['unknown aggregation', { ...sum, aggregation: 'MEDIAN' }, ['aggregation']],
  ['lowercase aggregation', { ...sum, aggregation: 'sum' }, ['aggregation']],
  ['empty eventType', { ...sum, eventType: '' }, ['eventType']],
  ['COUNT with valueProperty', { ...sum, aggregation: 'COUNT' }, ['valueProperty']],
  ['SUM without valueProperty', { ...sum, valueProperty: undefined }, ['valueProperty']],
  ['UNIQUE_COUNT without valueProperty', { ...sum, aggregation: 'UNIQUE_COUNT', valueProperty: undefined }, ['valueProperty']],
  ['valueProperty not starting with $', { ...sum, valueProperty: 'tokens' }, ['valueProperty']],
  ['valueProperty with wildcard', { ...sum, valueProperty: '$.items[*].n' }, ['valueProperty']],
  ['groupBy key with dash', { ...sum, groupBy: { 'the-model': '$.model' } }, ['groupBy.the-model']],
  ['groupBy key starting with digit', { ...sum, groupBy: { '1model': '$.model' } }, ['groupBy.1model']],
  ['groupBy key subject reserved', { ...sum, groupBy: { subject: '$.user' } }, ['groupBy.subject']],
  ['groupBy key customer_id reserved', { ...sum, groupBy: { customer_id: '$.c' } }, ['groupBy.customer_id']],
  ['groupBy path without $', { ...sum, groupBy: { model: 'model' } }, ['groupBy.model']],
  ['groupBy path not a string', { ...sum, groupBy: { model: 3 } }, ['groupBy.model']],
  ['groupBy not an object', { ...sum, groupBy: ['$.model'] }, ['groupBy']],
  ['eventFrom not RFC 3339', { ...sum, eventFrom: '2024-01-01' }, ['eventFrom']],
  ['eventFrom nonsense', { ...sum, eventFrom: 'yesterday' }, ['eventFrom']],
  ['name empty', { ...sum, name: '' }, ['name']],
  ['description too long', { ...sum, description: 'x'.repeat(1025) }, ['description']],
  ['several problems at once', { slug: 'Bad', aggregation: 'X', eventType: 1 }, ['slug', 'aggregation', 'eventType']],
];

for (const [name, body, fields] of rejected) {
  test(`validateMeterInput rejects: ${name}`, () => {
    assert.deepEqual(fieldsOf(() => validateMeterInput(body)), fields);
  });
}

const accepted: [string, unknown, Partial<ReturnType<typeof validateMeterInput>>][] = [
  ['SUM with groupBy', { ...sum, groupBy: { model: '$.model', _type: "$['type']" } }, { groupBy: { model: '$.model', _type: "$['type']" } }],
  ['COUNT without valueProperty', { slug: 'requests', aggregation: 'COUNT', eventType: 'kong.api_request' }, { valueProperty: undefined }],
  ['COUNT with null valueProperty', { slug: 'requests', aggregation: 'COUNT', eventType: 'e', valueProperty: null }, { valueProperty: undefined }],
  ['name defaults to the slug', sum, { name: 'tokens_total', groupBy: {} }],
  ['eventFrom normalized to UTC', { ...sum, eventFrom: '2024-01-01T02:00:00+02:00' }, { eventFrom: '2024-01-01T00:00:00.000Z' }],
  ['every aggregation but COUNT takes a path', { ...sum, aggregation: 'LATEST', valueProperty: '$.a[0].b' }, { valueProperty: '$.a[0].b' }],
];

for (const [name, body, expected] of accepted) {
  test(`validateMeterInput accepts: ${name}`, () => {
    const input = validateMeterInput(body);
    for (const [field, value] of Object.entries(expected)) {
      assert.deepEqual(input[field as keyof typeof input], value, field);
    }
  });
}

const current: Meter = {
  id: '01J00000000000000000000000',
  slug: 'tokens_total',
  name: 'Tokens',
  aggregation: 'SUM',
  eventType: 'kong.llm_request',
  valueProperty: '$.tokens',
  groupBy: {},
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
};

test('validateMeterUpdate keeps name, description and groupBy', () => {
  const update = validateMeterUpdate({ name: 'T', description: 'd', groupBy: { model: '$.model' } }, current);
  assert.deepEqual(update, { name: 'T', description: 'd', groupBy: { model: '$.model' } });
});

test('validateMeterUpdate tolerates immutable fields repeating the current value', () => {
  assert.deepEqual(validateMeterUpdate({ ...current, name: 'New' }, current).name, 'New');
});

test('validateMeterUpdate rejects changes to immutable fields, naming each', () => {
  const body = { aggregation: 'MAX', slug: 'other', eventType: 'x', valueProperty: '$.n', eventFrom: '2020-01-01T00:00:00Z' };
  assert.deepEqual(fieldsOf(() => validateMeterUpdate(body, current)), ['slug', 'aggregation', 'eventType', 'eventFrom', 'valueProperty']);
});

test('validateMeterUpdate applies the groupBy rules', () => {
  assert.deepEqual(fieldsOf(() => validateMeterUpdate({ groupBy: { subject: '$.s' } }, current)), ['groupBy.subject']);
});
