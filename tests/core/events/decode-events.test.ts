import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEvents, decodeEventTexts, eventMediaType } from '../../../core/events/decode-events.js';
import { TallyError } from '../../../core/http/tally-error.js';

const limits = { maxEventsPerRequest: 3, maxJsonDepth: 8, maxEventBytes: 200 };

function rejects(fn: () => unknown, code: TallyError['code'], message: RegExp): void {
  assert.throws(fn, (error: unknown) => error instanceof TallyError && error.code === code && message.test(error.message));
}

test('media types: parameters accepted, case-insensitive; anything else is 415', () => {
  assert.equal(eventMediaType('application/cloudevents+json; charset=utf-8'), 'application/cloudevents+json');
  assert.equal(eventMediaType('Application/JSON'), 'application/json');
  rejects(() => eventMediaType('text/plain'), 'UNSUPPORTED_MEDIA_TYPE', /unsupported Content-Type "text\/plain"/);
  rejects(() => eventMediaType(undefined), 'UNSUPPORTED_MEDIA_TYPE', /unsupported Content-Type/);
  rejects(() => eventMediaType('application/cloudevents+json; charset=latin1'), 'UNSUPPORTED_MEDIA_TYPE', /charset/);
});

test('each media type takes its own JSON shape', () => {
  assert.equal(decodeEvents('application/cloudevents+json', '{"id":"a"}', limits).length, 1);
  rejects(() => decodeEvents('application/cloudevents+json', '[{"id":"a"}]', limits), 'BAD_REQUEST', /one event object/);
  assert.deepEqual(decodeEvents('application/cloudevents-batch+json', '[]', limits), []);
  rejects(() => decodeEvents('application/cloudevents-batch+json', '{}', limits), 'BAD_REQUEST', /JSON array/);
  assert.equal(decodeEvents('application/json', '[{},{}]', limits).length, 2);
  rejects(() => decodeEvents('application/json', '[]', limits), 'BAD_REQUEST', /no events found/);
  rejects(() => decodeEvents('application/json', '"x"', limits), 'BAD_REQUEST', /event object or an array/);
  rejects(() => decodeEvents('application/json', '  ', limits), 'BAD_REQUEST', /empty/);
});

test('malformed JSON and __proto__ keys are 400', () => {
  rejects(() => decodeEvents('application/json', '{"id":', limits), 'BAD_REQUEST', /malformed JSON/);
  rejects(() => decodeEvents('application/json', '{"data":{"__proto__":{"x":1}}}', limits), 'BAD_REQUEST', /__proto__/);
  rejects(() => decodeEvents('application/json', '{"data":{"\\u005f_proto__":1}}', limits), 'BAD_REQUEST', /__proto__/);
  assert.equal(decodeEvents('application/json', '{"data":{"note":"__proto__"}}', limits).length, 1);
});

test('limits: events per request, nesting depth, size of one event (with its index)', () => {
  rejects(() => decodeEvents('application/json', '[{},{},{},{}]', limits), 'PAYLOAD_TOO_LARGE', /too many events: 4 \(limit 3/);
  const deep = `{"data":${'['.repeat(10)}${']'.repeat(10)}}`;
  rejects(() => decodeEvents('application/json', deep, limits), 'BAD_REQUEST', /nesting deeper than 8/);
  // Brackets inside strings do not count.
  assert.equal(decodeEvents('application/json', `{"data":{"s":"${'['.repeat(20)}"}}`, limits).length, 1);
  const big = JSON.stringify({ data: { s: 'x'.repeat(300) } });
  rejects(() => decodeEvents('application/json', `[1, {}, ${big}]`, limits), 'PAYLOAD_TOO_LARGE', /index 2 is \d+ bytes \(limit 200/);
  rejects(() => decodeEvents('application/cloudevents+json', big, limits), 'PAYLOAD_TOO_LARGE', /the event is \d+ bytes/);
  const multibyte = JSON.stringify({ s: 'é'.repeat(100) });
  // 100 characters but 208 bytes: the limit is in bytes.
  rejects(() => decodeEvents('application/json', multibyte, limits), 'PAYLOAD_TOO_LARGE', /208 bytes/);
});

test('each event comes with its own text as received', () => {
  const batch = decodeEventTexts('application/cloudevents-batch+json', '[ {"id":"a"} ,\n{"id":"b","d":[1,{"x":"]"}]}]', limits);
  assert.deepEqual(batch.texts, ['{"id":"a"}', '{"id":"b","d":[1,{"x":"]"}]}']);
  assert.deepEqual(batch.texts.map((text) => JSON.parse(text!)), batch.events);
  assert.deepEqual(decodeEventTexts('application/json', ' {"id":"a"}\n', limits).texts, ['{"id":"a"}']);
  assert.deepEqual(decodeEventTexts('application/json', '[{"id":"a"},7]', limits).texts, ['{"id":"a"}', undefined]);
});
