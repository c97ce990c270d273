import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateCustomerInput } from '../../../core/customers/customer-validation.js';
import { TallyError } from '../../../core/http/tally-error.js';

const base = { name: 'ACME', key: 'acme' };

const rejected: [string, unknown, string[]][] = [
  ['not an object', 'acme', ['body']],
  ['name missing', { key: 'acme' }, ['name']],
  ['name empty', { ...base, name: '' }, ['name']],
  ['name too long', { ...base, name: 'x'.repeat(257) }, ['name']],
  ['key empty', { ...base, key: '' }, ['key']],
  ['key too long', { ...base, key: 'k'.repeat(257) }, ['key']],
  ['key not a string', { ...base, key: 42 }, ['key']],
  ['neither key nor subject keys', { name: 'ACME', usageAttribution: { subjectKeys: [] } }, ['key']],
  ['subjectKeys not an array', { ...base, usageAttribution: { subjectKeys: 'alice' } }, ['usageAttribution.subjectKeys']],
  ['usageAttribution without subjectKeys', { ...base, usageAttribution: {} }, ['usageAttribution.subjectKeys']],
  ['empty subject key', { ...base, usageAttribution: { subjectKeys: ['a', ''] } }, ['usageAttribution.subjectKeys[1]']],
  ['currency lowercase', { ...base, currency: 'usd' }, ['currency']],
  ['currency too long', { ...base, currency: 'USDT' }, ['currency']],
  ['metadata value not a string', { ...base, metadata: { tier: 1 } }, ['metadata.tier']],
  ['description too long', { ...base, description: 'd'.repeat(1025) }, ['description']],
];

for (const [name, body, fields] of rejected) {
  test(`validateCustomerInput rejects: ${name}`, () => {
    assert.throws(
      () => validateCustomerInput(body),
      (error: unknown) => error instanceof TallyError && error.code === 'BAD_REQUEST' && assert.deepEqual(error.invalidParameters.map((p) => p.field), fields) === undefined,
    );
  });
}

test('validateCustomerInput accepts a full customer, de-duplicates subject keys, ignores unknown fields', () => {
  const input = validateCustomerInput({
    ...base,
    description: 'd',
    metadata: { tier: 'gold' },
    primaryEmail: 'billing@acme.test',
    currency: 'USD',
    usageAttribution: { subjectKeys: ['alice', 'bob', 'alice'] },
    billingAddress: { country: 'US' },
  });
  assert.deepEqual(input, {
    name: 'ACME',
    key: 'acme',
    description: 'd',
    metadata: { tier: 'gold' },
    primaryEmail: 'billing@acme.test',
    currency: 'USD',
    usageAttribution: { subjectKeys: ['alice', 'bob'] },
  });
});

test('validateCustomerInput accepts subject keys without a key, and a key without subject keys', () => {
  assert.deepEqual(validateCustomerInput({ name: 'A', usageAttribution: { subjectKeys: ['alice'] } }).usageAttribution, { subjectKeys: ['alice'] });
  assert.deepEqual(validateCustomerInput({ name: 'A', key: 'a', metadata: null }).usageAttribution, { subjectKeys: [] });
});
