import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { event, post, startIngestHarness, type IngestHarness } from '../../support/ingest-harness.js';
import { createMemoryEventLog } from '../../support/memory-event-log.js';
import { startRedis, type TestRedis } from '../../support/redis-server.js';

describe('token admin API', () => {
  let redis: TestRedis;
  let app: IngestHarness;
  before(async () => {
    redis = await startRedis();
    app = await startIngestHarness({ redisUrl: redis.url, log: createMemoryEventLog() });
  });
  after(async () => {
    await app.close();
    await redis.stop();
  });
  const call = (method: string, path: string, token: string, body?: unknown) =>
    fetch(`${app.url}/api/v1/tokens${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  test('create shows the token once; list never shows it; revoke takes effect at once', async () => {
    const created = await call('POST', '', app.adminToken, { name: 'kong-eu', scopes: ['ingest', 'ingest'] });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('cache-control'), 'no-store');
    const body = await created.json();
    assert.match(body.token, /^tly_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(body.scopes, ['ingest']);
    assert.equal(body.name, 'kong-eu');
    assert.equal((await post(`${app.url}/api/v1/events`, [event()], { token: body.token })).status, 204);

    const listText = await (await call('GET', '', app.adminToken)).text();
    assert.ok(!listText.includes(body.token), 'the list never carries a token');
    const listed = JSON.parse(listText).items.find((t: { id: string }) => t.id === body.id);
    assert.deepEqual(Object.keys(listed).sort(), ['createdAt', 'id', 'name', 'scopes']);

    assert.equal((await call('DELETE', `/${body.id}`, app.adminToken)).status, 204);
    assert.equal((await post(`${app.url}/api/v1/events`, [event()], { token: body.token })).status, 401);
    const afterRevoke = (await (await call('GET', '', app.adminToken)).json()).items.find((t: { id: string }) => t.id === body.id);
    assert.ok(afterRevoke.revokedAt);
  });

  test('the stored form is the SHA-256 hash, never the token', async () => {
    const { token } = await (await call('POST', '', app.adminToken, { name: 'x', scopes: ['read'] })).json();
    const { Redis } = await import('ioredis');
    const client = new Redis(redis.url);
    try {
      const keys = await client.keys(`${app.config.redisPrefix}*`);
      const values = await Promise.all(keys.map(async (k) => ((await client.type(k)) === 'hash' ? JSON.stringify(await client.hgetall(k)) : await client.get(k))));
      const dump = keys.join(' ') + values.join(' ');
      assert.ok(!dump.includes(token));
      const { createHash } = await import('node:crypto');
      assert.ok(dump.includes(createHash('sha256').update(token).digest('hex')));
    } finally {
      client.disconnect();
    }
  });

  test('errors: unknown id 404, bad body 400, non-admin 403, no token 401', async () => {
    assert.equal((await call('DELETE', '/01NOPE', app.adminToken)).status, 404);
    const bad = await call('POST', '', app.adminToken, { name: '', scopes: ['root'] });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).detail, /name: .*; scopes: /);
    assert.equal((await call('GET', '', app.ingestToken)).status, 403);
    assert.equal((await call('POST', '', app.readToken, { name: 'n', scopes: ['admin'] })).status, 403);
    assert.equal((await fetch(`${app.url}/api/v1/tokens`)).status, 401);
    const wrongType = await fetch(`${app.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.adminToken}`, 'content-type': 'text/plain' },
      body: '{}',
    });
    assert.equal(wrongType.status, 415);
  });
});
