import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventField } from '../../../../core/meters/redis/event-field.js';

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
