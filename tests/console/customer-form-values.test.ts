import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseList, parseMetadata, toFormValues } from '../../console/src/customers/customer-form-values.js';

test('subject keys: one per line or comma-separated, trimmed, without blanks or repeats', () => {
  assert.deepEqual(parseList(' alice, bob\n\ncarol ,alice\n'), ['alice', 'bob', 'carol']);
  assert.deepEqual(parseList(''), []);
});

test('metadata: key=value lines; values may hold "="; a bare key has an empty value', () => {
  assert.deepEqual(parseMetadata('tier = gold\nquery=a=b\n\nflag\n = orphan'), { tier: 'gold', query: 'a=b', flag: '' });
});

test('a stored customer round-trips through the form values', () => {
  const values = toFormValues({
    id: '01J',
    key: 'acme',
    name: 'ACME',
    metadata: { tier: 'gold', region: 'eu' },
    usageAttribution: { subjectKeys: ['alice', 'bob'] },
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  });
  assert.deepEqual(values, { name: 'ACME', key: 'acme', description: '', primaryEmail: '', currency: '', subjectKeys: 'alice\nbob', metadata: 'tier=gold\nregion=eu' });
  assert.deepEqual(parseList(values.subjectKeys), ['alice', 'bob']);
  assert.deepEqual(parseMetadata(values.metadata), { tier: 'gold', region: 'eu' });
});
