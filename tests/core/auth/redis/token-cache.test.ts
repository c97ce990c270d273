import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { createRedisTokenStore } from '../../../../core/auth/redis/redis-token-store.js';
import { createTokenCache, revocationChannel, type TokenCache } from '../../../../core/auth/redis/token-cache.js';
import { hashToken } from '../../../../core/auth/token-hash.js';
import type { TokenStore } from '../../../../core/auth/token-store.js';
import { countRedisCommands } from '../../../support/count-redis-commands.js';
import { eventually } from '../../../support/eventually.js';
import { startRedis, type TestRedis } from '../../../support/redis-server.js';

/**
 * Two "processes" share one Redis: `cached` authenticates through a token
 * cache, `other` (no cache) revokes, as the api process would while
 * ingest keeps serving.
 */
describe('token cache', () => {
  let server: TestRedis;
  const clients: Redis[] = [];
  const caches: TokenCache[] = [];
  before(async () => {
    server = await startRedis();
  });
  after(async () => {
    for (const cache of caches) cache.close();
    for (const client of clients) client.disconnect();
    await server.stop();
  });

  let counter = 0;
  const setup = async () => {
    const prefix = `tc-${++counter}:`;
    const redis = new Redis(server.url);
    const subscriber = new Redis(server.url);
    clients.push(redis, subscriber);
    const cache = createTokenCache({ subscriber, channel: revocationChannel(prefix), maxAgeMs: 60_000, maxEntries: 100 });
    caches.push(cache);
    const cached = createRedisTokenStore({ redis, prefix, cache });
    const otherRedis = new Redis(server.url);
    clients.push(otherRedis);
    const other = createRedisTokenStore({ redis: otherRedis, prefix });
    const { token, info } = await other.create({ name: 'gateway', scopes: ['ingest'] });
    // Live once subscribed: until then every lookup reads Redis.
    await eventually(async () => {
      await cached.authenticate(token);
      assert.equal(await countRedisCommands(redis, async () => void (await cached.authenticate(token))), 0, 'answered from the cache');
    });
    return { redis, subscriber, cache, cached, other, token, id: info.id };
  };

  test('a live token is answered without a Redis command', async () => {
    const { redis, cached, token, id } = await setup();
    const commands = await countRedisCommands(redis, async () => {
      for (let i = 0; i < 20; i++) assert.equal((await cached.authenticate(token))?.tokenId, id);
    });
    assert.equal(commands, 0);
  });

  test('a revocation in another process reaches the cache', async () => {
    const { cached, other, token, id } = await setup();
    assert.equal(await other.revoke(id), true);
    await eventually(async () => assert.equal(await cached.authenticate(token), undefined, 'revoked token still cached'), { timeoutMs: 2_000, intervalMs: 5 });
  });

  test('a revocation in the same process takes effect before revoke() returns', async () => {
    const { cached, token, id } = await setup();
    assert.equal(await cached.revoke(id), true);
    assert.equal(await cached.authenticate(token), undefined);
  });

  test('re-ensuring a token with other scopes replaces the cached ones', async () => {
    const { cached, other, token, id } = await setup();
    await other.ensure(token, { id, name: 'gateway', scopes: ['read'] });
    await eventually(async () => assert.deepEqual((await cached.authenticate(token))?.scopes, ['read'], 'old scopes still cached'), { timeoutMs: 2_000, intervalMs: 5 });
  });

  test('a lookup that raced a revocation is not cached', async () => {
    const { redis, cache, token } = await setup();
    const hash = hashToken(`${token}-racing`);
    let release: () => void = () => undefined;
    const loading = cache.lookup(hash, () => new Promise((resolve) => (release = () => resolve({ tokenId: 'x', scopes: ['ingest'] }))));
    cache.forget(hash);
    release();
    assert.equal((await loading)?.tokenId, 'x');
    let loads = 0;
    await countRedisCommands(redis, async () => {
      await cache.lookup(hash, async () => {
        loads++;
        return undefined;
      });
    });
    assert.equal(loads, 1, 'the raced result was not cached');
  });

  test('losing the subscription forgets everything until it is back', async () => {
    const { redis, cached, other, token, id } = await setup();
    const admin = new Redis(server.url);
    clients.push(admin);
    await admin.client('KILL', 'TYPE', 'pubsub');
    // Revoked while the cache could not hear it: the cache must not answer from memory.
    assert.equal(await other.revoke(id), true);
    await eventually(async () => assert.equal(await cached.authenticate(token), undefined, 'stale principal after reconnect'), { timeoutMs: 5_000 });
    const created = await other.create({ name: 'next', scopes: ['ingest'] });
    await eventually(async () => {
      await cached.authenticate(created.token);
      assert.equal(await countRedisCommands(redis, async () => void (await cached.authenticate(created.token))), 0, 'cache live again');
    }, { timeoutMs: 5_000 });
  });
});
