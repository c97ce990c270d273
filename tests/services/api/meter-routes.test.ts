import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSecured, useApiTestApp } from './api-test-app.js';

const app = useApiTestApp();

const tokens = { slug: 'tokens_total', aggregation: 'SUM', eventType: 'kong.llm_request', valueProperty: '$.tokens', groupBy: { model: '$.model' } };

test('happy path: create 201, list, get by id and slug, update, delete 204', async () => {
  const api = app();
  const created = await api.call('POST', '/api/v1/meters', { body: tokens });
  assert.equal(created.status, 201);
  const meter = created.body as { id: string; slug: string; name: string };
  assert.equal(meter.name, 'tokens_total');
  assert.deepEqual((await api.call('GET', '/api/v1/meters', { token: api.readToken })).body, [meter]);
  assert.deepEqual((await api.call('GET', `/api/v1/meters/${meter.id}`, { token: api.readToken })).body, meter);
  assert.deepEqual((await api.call('GET', '/api/v1/meters/tokens_total', { token: api.readToken })).body, meter);

  const updated = await api.call('PUT', '/api/v1/meters/tokens_total', { body: { name: 'Tokens', groupBy: { model: '$.model', type: '$.type' } } });
  assert.equal(updated.status, 200);
  assert.deepEqual((updated.body as { groupBy: unknown }).groupBy, { model: '$.model', type: '$.type' });

  assert.equal((await api.call('DELETE', '/api/v1/meters/tokens_total')).status, 204);
  assert.equal((await api.call('GET', '/api/v1/meters/tokens_total')).status, 404);
});

test('errors are problem+json: 400 naming the field, 409 on a taken slug, 404, bad JSON', async () => {
  const api = app();
  const invalid = await api.call('POST', '/api/v1/meters', { body: { ...tokens, slug: 'Bad-Slug', aggregation: 'COUNT' } });
  assert.equal(invalid.status, 400);
  assert.equal(invalid.contentType, 'application/problem+json');
  assert.match((invalid.body as { detail: string }).detail, /slug: .*; valueProperty: must not be set for COUNT meters/);

  assert.equal((await api.call('POST', '/api/v1/meters', { body: { ...tokens, slug: 'dup' } })).status, 201);
  const conflict = await api.call('POST', '/api/v1/meters', { body: { ...tokens, slug: 'dup' } });
  assert.equal(conflict.status, 409);
  assert.match((conflict.body as { detail: string }).detail, /slug "dup" already exists/);

  const immutable = await api.call('PUT', '/api/v1/meters/dup', { body: { aggregation: 'MAX' } });
  assert.equal(immutable.status, 400);
  assert.match((immutable.body as { detail: string }).detail, /aggregation: cannot be changed/);

  assert.equal((await api.call('PUT', '/api/v1/meters/nope', { body: { name: 'x' } })).status, 404);
  assert.equal((await api.call('DELETE', '/api/v1/meters/nope')).status, 404);
  const malformed = await api.call('POST', '/api/v1/meters', { body: '{"slug":' });
  assert.equal(malformed.status, 400);
  assert.equal(malformed.contentType, 'application/problem+json');
  assert.equal((await api.call('POST', '/api/v1/meters', { body: [] })).status, 400);
});

test('security: read may read, only admin may write', async () => {
  const api = app();
  await api.call('POST', '/api/v1/meters', { body: { ...tokens, slug: 'guarded' } });
  assert.deepEqual(await assertSecured(api.call, 'GET', '/api/v1/meters', 'read', api), [401, 403]);
  assert.deepEqual(await assertSecured(api.call, 'GET', '/api/v1/meters/guarded', 'read', api), [401, 403]);
  assert.deepEqual(await assertSecured(api.call, 'POST', '/api/v1/meters', 'admin', api, { ...tokens, slug: 'other' }), [401, 403, 403]);
  assert.deepEqual(await assertSecured(api.call, 'PUT', '/api/v1/meters/guarded', 'admin', api, { name: 'x' }), [401, 403, 403]);
  assert.deepEqual(await assertSecured(api.call, 'DELETE', '/api/v1/meters/guarded', 'admin', api), [401, 403, 403]);
  assert.equal((await api.call('GET', '/api/v1/meters/guarded', { token: api.readToken })).status, 200, 'nothing changed');
  assert.equal((await api.call('GET', '/api/v1/meters/other')).status, 404);
});
