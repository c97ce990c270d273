import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEventValidator, unchangedJson } from '../../../core/events/event-validator.js';
import { TallyError } from '../../../core/http/tally-error.js';

const validator = createEventValidator({ now: () => new Date('2026-05-01T00:00:00Z') });
const good = { specversion: '1.0', id: 'e1', source: 'gw', type: 'kong.api_request', subject: 'alice', data: { a: 1 } };

function rejection(events: unknown[], api: 'v1' | 'v3' = 'v3'): TallyError {
  try {
    validator.validate(events, api);
  } catch (error) {
    assert.ok(error instanceof TallyError);
    assert.equal(error.code, 'BAD_REQUEST');
    return error;
  }
  assert.fail('expected the batch to be rejected');
}
const fields = (error: TallyError) => error.invalidParameters.map((p) => p.field);

test('normalizes time to UTC with milliseconds; missing time = now; missing data = null', () => {
  const [withOffset, without] = validator.validate(
    [{ ...good, time: '2026-05-01T14:00:00.123456+02:00' }, { ...good, data: undefined }],
    'v3',
  );
  assert.equal(withOffset?.time, '2026-05-01T12:00:00.123Z');
  assert.equal(without?.time, '2026-05-01T00:00:00.000Z');
  assert.equal(without?.data, null);
});

const invalidFields: Array<[string, Record<string, unknown>]> = [
  ['id', { id: '' }],
  ['id', { id: 7 }],
  ['source', { source: '' }],
  ['type', { type: null }],
  ['subject', { subject: '' }],
  ['specversion', { specversion: '0.3' }],
  ['time', { time: '2026-05-01 12:00' }],
  ['time', { time: '2026-05-01T12:00:00' }],
  ['data', { data: 'text' }],
  ['data', { data: [1, 2] }],
  ['data', { data: 42 }],
  ['datacontenttype', { datacontenttype: 'text/plain' }],
  ['dataschema', { dataschema: 'not a uri' }],
];

for (const [field, override] of invalidFields) {
  test(`invalid ${field} ${JSON.stringify(override[field])} is named with its index`, () => {
    const error = rejection([good, { ...good, ...override }]);
    assert.deepEqual(fields(error), [`[1].${field}`]);
    assert.match(error.message, new RegExp(`\\[1\\]\\.${field}`));
  });
}

test('each required attribute is reported when missing', () => {
  assert.deepEqual(fields(rejection([{}])).sort(), ['id', 'source', 'specversion', 'subject', 'type']);
});

test('v3 rejects unknown top-level attributes; v1 accepts lowercase extension attributes', () => {
  const extended = { ...good, region: 'eu', traceparent: '00-abc' };
  assert.deepEqual(fields(rejection([extended], 'v3')).sort(), ['region', 'traceparent']);
  assert.equal(validator.validate([extended], 'v1')[0]?.region, 'eu');
  assert.deepEqual(fields(rejection([{ ...good, Region: 'eu' }], 'v1')), ['Region']);
  assert.deepEqual(fields(rejection([{ ...good, nested: { a: 1 } }], 'v1')), ['nested']);
});

test('a non-object event is named by its index', () => {
  assert.deepEqual(fields(rejection([good, 'x', 3])), ['[1]', '[2]']);
});

test('every bad event is named up to the first 100, and the rest are counted', () => {
  const batch = Array.from({ length: 150 }, (_, i) => ({ ...good, id: i % 2 === 0 ? '' : `e${i}` }));
  const error = rejection(batch);
  assert.equal(error.invalidParameters.length, 75);
  const capped = createEventValidator({ maxReportedEvents: 10 });
  try {
    capped.validate(batch, 'v3');
    assert.fail('expected a rejection');
  } catch (e) {
    assert.ok(e instanceof TallyError);
    assert.equal(e.invalidParameters.length, 10);
    assert.match(e.message, /and 65 more invalid events/);
  }
});

test('a single event names fields without an index', () => {
  assert.deepEqual(fields(rejection([{ ...good, subject: '' }])), ['subject']);
});

test('the received text stands for the event only when normalization changed nothing', () => {
  const { data: _data, ...withoutData } = good;
  const texts = [
    { ...good, time: '2026-05-01T12:00:00.123Z' },
    { ...good, time: '2026-05-01T12:00:00Z' },
    { ...good, time: '2026-05-01T14:00:00.123+02:00' },
    { ...withoutData, time: '2026-05-01T12:00:00.123Z' },
    { ...good, time: '2026-05-01T12:00:00.123Z', data: null },
    { ...good },
  ].map((event) => JSON.stringify(event));
  const received = texts.map((text) => JSON.parse(text) as unknown);
  const normalized = validator.validate(received, 'v3');
  const kept = normalized.map((event, i) => unchangedJson(received[i], event, texts[i]) !== undefined);
  assert.deepEqual(kept, [true, false, false, false, true, false]);
  assert.equal(unchangedJson(received[0], normalized[0]!, undefined), undefined);
});

test('a time already normalized passes as received; a leap second in that form is still refused', () => {
  const received = { ...good, time: '2026-12-31T23:59:59.999Z' };
  const [event] = validator.validate([received], 'v3');
  assert.equal(event, received, 'nothing to normalize: the received event itself');
  const error = rejection([{ ...good, time: '2016-12-31T23:59:60.000Z' }]);
  assert.deepEqual(fields(error), ['time']);
});
