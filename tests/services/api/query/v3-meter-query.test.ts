import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Meter } from '../../../../core/meters/meter.js';
import { decimalString } from '../../../../services/api/query/v3-query-response.js';
import { useReadTestApp } from './read-test-app.js';

const app = useReadTestApp();
const alice = '01JALICE000000000000000000';
const bob = '01JBOB00000000000000000000';

test('v3 query: granularity, time_zone, group_by_dimensions, filters.dimensions, decimal-string values', async () => {
  const api = app();
  const created = await api.call('POST', '/api/v1/meters', {
    token: api.adminToken,
    body: { slug: 'v3_tokens', aggregation: 'SUM', eventType: 'llm', valueProperty: '$.tokens', groupBy: { model: '$.model' } },
  });
  const meter = created.body as Meter;
  api.store.facts.set(meter.id, [
    { customerId: alice, subject: 'alice', timeMs: Date.parse('2026-11-01T04:00:00Z'), groupValues: { model: 'gpt-4o' }, value: 0.1 },
    { customerId: alice, subject: 'alice', timeMs: Date.parse('2026-11-01T06:00:00Z'), groupValues: { model: 'gpt-4o' }, value: 0.2 },
    { customerId: bob, subject: 'bob', timeMs: Date.parse('2026-11-02T06:00:00Z'), groupValues: { model: 'o3' }, value: 1e21 },
  ]);
  const body = { from: '2026-11-01T04:00:00Z', to: '2026-11-03T05:00:00Z', granularity: 'P1D', time_zone: 'America/New_York', group_by_dimensions: ['customer_id', 'model'] };
  for (const prefix of ['/v3/openmeter', '/api/v3/openmeter']) {
    const res = await api.call('POST', `${prefix}/meters/${meter.id}/query`, { body });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, {
      from: '2026-11-01T00:00:00-04:00',
      to: '2026-11-03T00:00:00-05:00',
      data: [
        { value: '0.30000000000000004', from: '2026-11-01T00:00:00-04:00', to: '2026-11-02T00:00:00-05:00', dimensions: { customer_id: alice, model: 'gpt-4o' } },
        { value: '1000000000000000000000', from: '2026-11-02T00:00:00-05:00', to: '2026-11-03T00:00:00-05:00', dimensions: { customer_id: bob, model: 'o3' } },
      ],
    });
  }
  const filtered = await api.call('POST', `/v3/openmeter/meters/${meter.id}/query`, {
    body: { from: '2026-11-01T04:00:00Z', to: '2026-11-03T05:00:00Z', filters: { dimensions: { customer_id: { in: [bob] }, model: { eq: 'o3' } } }, group_by_dimensions: ['subject'] },
  });
  assert.deepEqual((filtered.body as { data: unknown[] }).data, [{ value: '1000000000000000000000', from: '2026-11-01T04:00:00Z', to: '2026-11-03T05:00:00Z', dimensions: { subject: 'bob' } }]);
  const none = await api.call('POST', `/v3/openmeter/meters/${meter.id}/query`, { body: { from: '2026-11-01T04:00:00Z', to: '2026-11-03T05:00:00Z', filters: { dimensions: { subject: { eq: 'carol' } } } } });
  assert.deepEqual((none.body as { data: unknown[] }).data, []);
});

test('v3 CSV: from,to[,subject][,customer_id,customer_key,customer_name],<dimensions...>,value', async () => {
  const api = app();
  const meter = (
    await api.call('POST', '/api/v1/meters', {
      token: api.adminToken,
      body: { slug: 'v3_csv', aggregation: 'SUM', eventType: 'llm', valueProperty: '$.tokens', groupBy: { model: '$.model' } },
    })
  ).body as Meter;
  const acme = await api.customers.create({ name: 'Acme, Inc.', key: 'acme', usageAttribution: { subjectKeys: ['alice'] } });
  api.store.facts.set(meter.id, [{ customerId: acme.id, subject: 'alice', timeMs: Date.parse('2026-11-01T04:00:00Z'), groupValues: { model: 'gpt-4o' }, value: 2.5 }]);
  const body = { from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z', granularity: 'P1D', group_by_dimensions: ['model', 'customer_id', 'subject'] };
  const res = await api.call('POST', `/v3/openmeter/meters/${meter.id}/query`, { body, accept: 'text/csv' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers.get('content-disposition'), 'attachment; filename="v3_csv.csv"');
  assert.equal(res.text, `from,to,subject,customer_id,customer_key,customer_name,model,value\n2026-11-01T00:00:00Z,2026-11-02T00:00:00Z,alice,${acme.id},acme,"Acme, Inc.",gpt-4o,2.5\n`);
  const plain = await api.call('POST', `/api/v3/openmeter/meters/${meter.id}/query`, { body: { ...body, group_by_dimensions: [] }, accept: 'text/csv' });
  assert.equal(plain.text, 'from,to,value\n2026-11-01T00:00:00Z,2026-11-02T00:00:00Z,2.5\n');
});

test('decimal strings never use exponent notation', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [-0, '0'],
    [12.5, '12.5'],
    [-3, '-3'],
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [-2.25e-10, '-0.000000000225'],
    [123456789e15, '123456789000000000000000'],
  ];
  for (const [value, expected] of cases) {
    assert.equal(decimalString(value), expected, String(value));
    assert.match(decimalString(value), /^-?[0-9]+(\.[0-9]+)?$/);
  }
});
