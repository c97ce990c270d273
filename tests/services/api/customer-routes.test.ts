import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSecured, useApiTestApp } from './api-test-app.js';

const app = useApiTestApp();

interface Customer {
  id: string;
  key?: string;
  name: string;
  usageAttribution: { subjectKeys: string[] };
  deletedAt?: string;
}

test('happy path: create 201, get by id and key, replace, list, soft delete 204', async () => {
  const api = app();
  const created = await api.call('POST', '/api/v1/customers', { body: { name: 'ACME', key: 'acme', usageAttribution: { subjectKeys: ['alice'] } } });
  assert.equal(created.status, 201);
  const acme = created.body as Customer;
  assert.deepEqual(api.claims.at(-1), [acme.id, ['acme', 'alice']]);
  assert.deepEqual((await api.call('GET', `/api/v1/customers/${acme.id}`, { token: api.readToken })).body, acme);
  assert.deepEqual((await api.call('GET', '/api/v1/customers/acme', { token: api.readToken })).body, acme);

  const replaced = await api.call('PUT', '/api/v1/customers/acme', { body: { name: 'ACME Inc.', key: 'acme', usageAttribution: { subjectKeys: ['alice', 'bob'] } } });
  assert.equal(replaced.status, 200);
  assert.deepEqual((replaced.body as Customer).usageAttribution.subjectKeys, ['alice', 'bob']);

  const page = await api.call('GET', '/api/v1/customers?page=1&pageSize=10', { token: api.readToken });
  assert.equal(page.status, 200);
  assert.deepEqual({ ...(page.body as object), items: undefined }, { items: undefined, page: 1, pageSize: 10, totalCount: 1 });

  assert.equal((await api.call('DELETE', '/api/v1/customers/acme')).status, 204);
  assert.equal((await api.call('GET', '/api/v1/customers/acme')).status, 404);
  assert.ok(((await api.call('GET', `/api/v1/customers/${acme.id}`)).body as Customer).deletedAt);
  assert.equal(((await api.call('GET', '/api/v1/customers')).body as { totalCount: number }).totalCount, 0);
  assert.equal(((await api.call('GET', '/api/v1/customers?includeDeleted=true')).body as { totalCount: number }).totalCount, 1);
});

test('409 names the subject and the holder; 400 names the field; 404 on unknown', async () => {
  const api = app();
  const holder = (await api.call('POST', '/api/v1/customers', { body: { name: 'H', key: 'holder', usageAttribution: { subjectKeys: ['carol'] } } })).body as Customer;
  const taken = await api.call('POST', '/api/v1/customers', { body: { name: 'X', usageAttribution: { subjectKeys: ['carol'] } } });
  assert.equal(taken.status, 409);
  assert.equal(taken.contentType, 'application/problem+json');
  assert.equal((taken.body as { detail: string }).detail, `subject key "carol" is already claimed by customer ${holder.id}`);
  const keyClash = await api.call('POST', '/api/v1/customers', { body: { name: 'X', key: 'carol' } });
  assert.equal(keyClash.status, 409);
  assert.match((keyClash.body as { detail: string }).detail, /customer key "carol" is already a subject key/);

  const invalid = await api.call('POST', '/api/v1/customers', { body: { key: 'k', currency: 'usd' } });
  assert.equal(invalid.status, 400);
  assert.match((invalid.body as { detail: string }).detail, /name: .*; currency: must be a three-letter code/);
  assert.equal((await api.call('PUT', '/api/v1/customers/nobody', { body: { name: 'N', key: 'n' } })).status, 404);
  assert.equal((await api.call('DELETE', '/api/v1/customers/nobody')).status, 404);
  assert.equal((await api.call('GET', '/api/v1/customers/nobody')).status, 404);
  assert.equal((await api.call('POST', '/api/v1/customers', { body: 'not json' })).status, 400);
});

test('list filters pass through the query string', async () => {
  const api = app();
  await api.call('POST', '/api/v1/customers', { body: { name: 'Filtered One', key: 'filtered-1', usageAttribution: { subjectKeys: ['zed'] } } });
  const found = await api.call('GET', '/api/v1/customers?subject=ZED&name=filtered', { token: api.readToken });
  assert.deepEqual((found.body as { items: Customer[] }).items.map((c) => c.key), ['filtered-1']);
});

test('list query parameters are validated', async () => {
  const api = app();
  for (const query of ['page=0', 'page=x', 'pageSize=0', 'pageSize=1001', 'includeDeleted=yes', 'page=1&page=2']) {
    const response = await api.call('GET', `/api/v1/customers?${query}`);
    assert.equal(response.status, 400, query);
    assert.equal(response.contentType, 'application/problem+json');
  }
});

test('security: read may read, only admin may write', async () => {
  const api = app();
  await api.call('POST', '/api/v1/customers', { body: { name: 'G', key: 'guarded' } });
  assert.deepEqual(await assertSecured(api.call, 'GET', '/api/v1/customers', 'read', api), [401, 403]);
  assert.deepEqual(await assertSecured(api.call, 'GET', '/api/v1/customers/guarded', 'read', api), [401, 403]);
  assert.deepEqual(await assertSecured(api.call, 'POST', '/api/v1/customers', 'admin', api, { name: 'O', key: 'other' }), [401, 403, 403]);
  assert.deepEqual(await assertSecured(api.call, 'PUT', '/api/v1/customers/guarded', 'admin', api, { name: 'x', key: 'guarded' }), [401, 403, 403]);
  assert.deepEqual(await assertSecured(api.call, 'DELETE', '/api/v1/customers/guarded', 'admin', api), [401, 403, 403]);
  assert.equal(((await api.call('GET', '/api/v1/customers/guarded', { token: api.readToken })).body as Customer).name, 'G', 'nothing changed');
  assert.equal((await api.call('GET', '/api/v1/customers/other')).status, 404);
});
