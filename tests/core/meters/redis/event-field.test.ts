import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base36, eventField } from '../../../../core/meters/redis/event-field.js';

test('dedupe fields: stable, short, distinct across 200,000 ids and across field boundaries', () => {
  assert.equal(eventField('default', 'kong', 'a'), eventField('default', 'kong', 'a'));
  assert.notEqual(eventField('default', 'ab', 'c'), eventField('default', 'a', 'bc'));
  assert.notEqual(eventField('ns1', 'kong', 'a'), eventField('ns2', 'kong', 'a'));
  const seen = new Set<string>();
  for (let i = 0; i < 200_000; i++) {
    const field = eventField('default', 'gateway', `evt-${i}`);
    assert.ok(field.length <= 11, field);
    seen.add(field);
  }
  assert.equal(seen.size, 200_000);
});

test('base36 prints what Number#toString(36) prints, up to 2^53 (the stored markers depend on it)', () => {
  const samples = [0, 1, 35, 36, 37, 1295, 1296, 2 ** 32, 2 ** 53 - 1, 2 ** 53 - 36, 2 ** 53 - 37, 36 ** 10 - 1, 36 ** 10];
  let n = 12345;
  for (let i = 0; i < 20_000; i++) {
    n = (n * 48271) % 2147483647;
    samples.push(Math.floor((n / 2147483647) * 2 ** 53), n, 36 * n - 1);
  }
  for (const sample of samples) assert.equal(base36(sample), sample.toString(36), String(sample));
});
