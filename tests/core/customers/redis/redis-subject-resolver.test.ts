import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { createRedisCustomerStore } from '../../../../core/customers/redis/redis-customer-store.js';
import { createRedisSubjectResolver } from '../../../../core/customers/redis/redis-subject-resolver.js';
import { countRedisCommands } from '../../../support/count-redis-commands.js';
import { eventually } from '../../../support/eventually.js';
import { startRedis, type TestRedis } from '../../../support/redis-server.js';

let server: TestRedis;
const clients: Redis[] = [];

before(async () => {
  server = await startRedis();
});
after(async () => {
  for (const client of clients) client.disconnect();
  await server.stop();
});

function client() {
  const redis = new Redis(server.url);
  clients.push(redis);
  return redis;
}

test('two resolvers in other processes see a customer change within a second', async () => {
  const prefix = 'rs1:';
  const store = createRedisCustomerStore({ redis: client(), prefix, onSubjectsClaimed: async () => undefined });
  const workers = [createRedisSubjectResolver({ redis: client(), prefix }), createRedisSubjectResolver({ redis: client(), prefix })];

  // Both cache "no customer" first: the negative answer must be invalidated too.
  for (const worker of workers) assert.equal(await worker.resolve('alice'), undefined);
  const a = await store.create({ name: 'A', usageAttribution: { subjectKeys: ['alice'] } });
  for (const worker of workers) await eventually(async () => assert.equal(await worker.resolve('alice'), a.id), { timeoutMs: 1000 });

  const b = await store.create({ name: 'B', key: 'b' });
  await store.replace(a.id, { name: 'A', usageAttribution: { subjectKeys: [] }, key: 'a' });
  await store.replace(b.id, { name: 'B', key: 'b', usageAttribution: { subjectKeys: ['alice'] } });
  for (const worker of workers) await eventually(async () => assert.equal(await worker.resolve('alice'), b.id), { timeoutMs: 1000 });

  await store.delete(b.id);
  for (const worker of workers) await eventually(async () => assert.equal(await worker.resolve('alice'), undefined), { timeoutMs: 1000 });
});

test('cached answers cost no Redis round trip until the version moves', async () => {
  const redis = client();
  const prefix = 'rs2:';
  const store = createRedisCustomerStore({ redis: client(), prefix, onSubjectsClaimed: async () => undefined });
  const a = await store.create({ name: 'A', key: 'alice' });
  const resolver = createRedisSubjectResolver({ redis, prefix, cacheMaxAgeMs: 60_000 });
  assert.equal(await resolver.resolve('alice'), a.id);
  const commands = await countRedisCommands(redis, async () => {
    for (let i = 0; i < 50; i++) assert.equal(await resolver.resolve('alice'), a.id);
  });
  assert.equal(commands, 0);
});

test('answers stay correct after the cache bound empties it', async () => {
  const prefix = 'rs3:';
  const resolver = createRedisSubjectResolver({ redis: client(), prefix, maxEntries: 10 });
  for (let i = 0; i < 50; i++) assert.equal(await resolver.resolve(`s${i}`), undefined);
  const store = createRedisCustomerStore({ redis: client(), prefix, onSubjectsClaimed: async () => undefined });
  const c = await store.create({ name: 'C', key: 's49' });
  await eventually(async () => assert.equal(await resolver.resolve('s49'), c.id), { timeoutMs: 1000 });
});

test('resolveMany answers each subject in order, cached or not, and sees a change like resolve', async () => {
  const redis = client();
  const prefix = 'rs4:';
  const store = createRedisCustomerStore({ redis: client(), prefix, onSubjectsClaimed: async () => undefined });
  const a = await store.create({ name: 'A', key: 'alice', usageAttribution: { subjectKeys: ['al'] } });
  const resolver = createRedisSubjectResolver({ redis, prefix, cacheMaxAgeMs: 60_000 });
  assert.equal(await resolver.resolve('alice'), a.id);
  // 'alice' is cached, the others are not; the answers keep the order asked.
  assert.deepEqual(await resolver.resolveMany(['bob', 'alice', 'al', 'nobody']), [undefined, a.id, a.id, undefined]);
  const commands = await countRedisCommands(redis, async () => {
    assert.deepEqual(await resolver.resolveMany(['al', 'bob', 'alice']), [a.id, undefined, a.id]);
  });
  assert.equal(commands, 0, 'every answer came from the cache');
  assert.deepEqual(await resolver.resolveMany([]), []);

  const fresh = createRedisSubjectResolver({ redis: client(), prefix, cacheMaxAgeMs: 100 });
  assert.deepEqual(await fresh.resolveMany(['bob']), [undefined]);
  const b = await store.create({ name: 'B', key: 'bob' });
  await eventually(async () => assert.deepEqual(await fresh.resolveMany(['bob', 'alice']), [b.id, a.id], 'the new customer is seen'), { timeoutMs: 1000 });
});
