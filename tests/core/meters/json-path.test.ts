import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileJsonPath, JsonPathError, parseJsonPath } from '../../../core/meters/json-path.js';

const data = {
  tokens: 12,
  model: 'gpt-4o',
  nested: { a: { b: 'deep' }, 'odd key': 3, "it's": 4 },
  list: [{ v: 1 }, { v: 2 }],
  nothing: null,
};

const cases: [string, unknown][] = [
  ['$', data],
  ['$.tokens', 12],
  ['$.nested.a.b', 'deep'],
  ["$['model']", 'gpt-4o'],
  ['$["model"]', 'gpt-4o'],
  ["$.nested['odd key']", 3],
  ["$.nested['it\\'s']", 4],
  ['$.list[1].v', 2],
  ['$.list[5].v', undefined],
  ['$.missing', undefined],
  ['$.missing.deeper', undefined],
  ['$.tokens.deeper', undefined],
  ['$.nothing', null],
  ['$.nothing.x', undefined],
  ['$.list.v', undefined],
  ['$.nested[0]', undefined],
  ['$.constructor', undefined],
  ['$.toString', undefined],
];

for (const [path, expected] of cases) {
  test(`compileJsonPath(${path}) reads ${JSON.stringify(expected)}`, () => {
    assert.deepEqual(compileJsonPath(path)(data), expected);
  });
}

test('accessors tolerate non-object inputs', () => {
  assert.equal(compileJsonPath('$.a')(null), undefined);
  assert.equal(compileJsonPath('$.a')('text'), undefined);
  assert.equal(compileJsonPath('$[0]')([7]), 7);
});

const invalid: [string, RegExp][] = [
  ['tokens', /must start with "\$"/],
  ['', /must start with "\$"/],
  ['$.', /member name/],
  ['$..tokens', /recursive descent/],
  ['$.list[*]', /unsupported syntax/],
  ['$.list[-1]', /unsupported syntax/],
  ['$.list[?(@.v>1)]', /unsupported syntax/],
  ["$['unterminated]", /unsupported syntax/],
  ['$tokens', /unsupported syntax/],
];

for (const [path, reason] of invalid) {
  test(`parseJsonPath rejects ${JSON.stringify(path)}`, () => {
    assert.throws(() => parseJsonPath(path), (error: unknown) => error instanceof JsonPathError && reason.test(error.message));
  });
}
