import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseJson } from '../../../core/http/parse-json.js';

const element = fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.array(fc.jsonValue()));

/** Whether any object in the document has an own `__proto__` key (fast-check generates them; parseJson refuses them). */
function hasProtoKey(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (!Array.isArray(node) && Object.hasOwn(node, '__proto__')) return true;
  return Object.values(node).some(hasProtoKey);
}

test('element spans cut exactly the elements of a top-level array, whatever their strings hold; __proto__ keys are refused', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(element, fc.jsonValue())), fc.boolean(), (elements, spaced) => {
      const text = JSON.stringify(elements, null, spaced ? 1 : undefined);
      if (hasProtoKey(elements)) {
        assert.throws(() => parseJson(text, 1_000), /may not have a "__proto__" key \(at \[\d+\]/, 'a __proto__ key is refused, naming the element');
        return;
      }
      const { value, elementSpans } = parseJson(text, 1_000);
      assert.deepEqual(value, JSON.parse(text));
      const structured = elements.flatMap((e, index) => (e !== null && typeof e === 'object' ? [index] : []));
      assert.deepEqual(elementSpans.map(([, , index]) => index), structured);
      for (const [start, end, index] of elementSpans) assert.deepEqual(JSON.parse(text.slice(start, end)), JSON.parse(JSON.stringify(elements[index])));
    }),
  );
});

test('a __proto__ key is refused with its path, wherever it is', () => {
  assert.throws(() => parseJson('[{"a":1},{"data":{"x":[{"__proto__":1}]}}]', 10), /"__proto__" key \(at \[1\]\.data\.x\[0\]\)/);
  assert.throws(() => parseJson('{"__proto__":{}}', 10), /"__proto__" key \(at the top level\)/);
  assert.throws(() => parseJson('{"d":{"\\u005f_proto__":1}}', 10), /"__proto__" key \(at d\)/);
  assert.doesNotThrow(() => parseJson('{"d":"__proto__","e":["__proto__"]}', 10));
});

test('strings ending in escaped backslashes or quotes close where JSON says', () => {
  const tricky = ['\\', '\\\\', '"', '\\"', 'a\\"b', '{[', ']}', '\\\\"'];
  const text = JSON.stringify(tricky.map((s) => ({ [s]: s, after: [s] })));
  const { elementSpans } = parseJson(text, 10);
  assert.equal(elementSpans.length, tricky.length);
  elementSpans.forEach(([start, end], i) => assert.deepEqual(JSON.parse(text.slice(start, end)), { [tricky[i]!]: tricky[i], after: [tricky[i]] }));
});

test('depth is bounded outside strings only', () => {
  assert.throws(() => parseJson('[[[[1]]]]', 3), /nesting deeper than 3/);
  assert.doesNotThrow(() => parseJson(JSON.stringify({ s: '[[[[[[[[' }), 2));
  assert.throws(() => parseJson('{"a": "x\\"[[[" , "b": [[[1]]]}', 3), /nesting deeper than 3/);
});

test('an unterminated string is malformed JSON, not a hang', () => {
  assert.throws(() => parseJson('["abc', 10), /malformed JSON/);
  assert.throws(() => parseJson('["abc\\"]', 10), /malformed JSON/);
});
