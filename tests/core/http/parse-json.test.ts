import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJson } from '../../../core/http/parse-json.js';
import { TallyError } from '../../../core/http/tally-error.js';

const refused = (text: string, detail: RegExp) =>
  assert.throws(() => parseJson(text, 64), (error: unknown) => error instanceof TallyError && error.code === 'BAD_REQUEST' && detail.test(error.message));

test('numbers beyond the double range are refused, naming where they are', () => {
  refused('{"data":{"tokens":1e400}}', /out of range at data\.tokens/);
  refused('[{"a":1},{"data":{"n":[1,-1e999]}}]', /out of range at \[1\]\.data\.n\[1\]/);
  refused(`{"n":1${'0'.repeat(400)}}`, /out of range at n/);
  refused('1e309', /out of range at the top level/);
  refused('{"id":"12e5","n":[2E+308]}', /out of range at n\[0\]/);
  refused(`{"s":"${'9'.repeat(400)}","n":0.${'0'.repeat(10)}1e${'9'.repeat(3)}}`, /out of range at n/);
});

test('large but representable numbers, underflow and exponent-like strings are accepted', () => {
  assert.deepEqual(parseJson('{"n":1.7e308,"m":-1e-400,"s":"1e999"}', 64).value, { n: 1.7e308, m: -0, s: '1e999' });
  assert.deepEqual(parseJson(`{"n":1${'0'.repeat(300)}}`, 64).value, { n: Number(`1${'0'.repeat(300)}`) });
});
