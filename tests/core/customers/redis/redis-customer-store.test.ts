import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { createRedisCustomerStore } from '../../../../core/customers/redis/redis-customer-store.js';
import { createRedisSubjectResolver } from '../../../../core/customers/redis/redis-subject-resolver.js';
import { TallyError } from '../../../../core/http/tally-error.js';
import { startRedis, type TestRedis } from '../../../support/redis-server.js';

let server: TestRedis;
let redis: Redis;
let counter = 0;

before(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
});
after(async () => {
  redis.disconnect();
  await server.stop();
});

function setup() {
  const prefix = `cs${++counter}:`;
  const claims: [string, string[]][] = [];
  const store = createRedisCustomerStore({ redis, prefix, onSubjectsClaimed: async (id, subjects) => void claims.push([id, [...subjects]]) });
  const resolver = createRedisSubjectResolver({ redis, prefix, cacheMaxAgeMs: 0 });
  return { store, resolver, claims, prefix };
}

const conflict = (pattern: RegExp) => (error: unknown) => error instanceof TallyError && error.code === 'CONFLICT' && pattern.test(error.message);
const notFound = (error: unknown) => error instanceof TallyError && error.code === 'NOT_FOUND';

test('create, get by id and key, replace, soft delete', async () => {
  const { store, resolver } = setup();
  const acme = await store.create({ name: 'ACME', key: 'acme', usageAttribution: { subjectKeys: ['alice'] }, currency: 'USD' });
  assert.match(acme.id, /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
  assert.equal(acme.createdAt, acme.updatedAt);
  assert.deepEqual(await store.get(acme.id), acme);
  assert.deepEqual(await store.get('acme'), acme);
  assert.deepEqual(await store.get(acme.id.toLowerCase()), acme);
  assert.equal(await store.get('nobody'), undefined);

  const replaced = await store.replace('acme', { name: 'ACME Inc.', key: 'acme-inc', usageAttribution: { subjectKeys: ['bob'] } });
  assert.equal(replaced.id, acme.id);
  assert.equal(replaced.createdAt, acme.createdAt);
  assert.equal(replaced.currency, undefined, 'replace drops fields not sent');
  assert.equal(await store.get('acme'), undefined, 'old key released');
  assert.equal(await resolver.resolve('alice'), undefined, 'old subject released');
  assert.equal(await resolver.resolve('bob'), acme.id);
  assert.equal(await resolver.resolve('acme-inc'), acme.id);

  await store.delete(acme.id);
  const deleted = await store.get(acme.id);
  assert.ok(deleted?.deletedAt, 'deleted customer stays readable by id with deletedAt');
  assert.equal(await store.get('acme-inc'), undefined);
  assert.equal(await resolver.resolve('bob'), undefined);
  await assert.rejects(store.delete(acme.id), notFound);
  await assert.rejects(store.replace(acme.id, { name: 'again', key: 'k' }), notFound);
  await assert.rejects(store.replace('01J00000000000000000000000', { name: 'x', key: 'k' }), notFound);
});

test('409: a subject key held by another customer, naming the subject and the holder', async () => {
  const { store } = setup();
  const a = await store.create({ name: 'A', usageAttribution: { subjectKeys: ['alice'] } });
  await assert.rejects(store.create({ name: 'B', usageAttribution: { subjectKeys: ['carol', 'alice'] } }), conflict(new RegExp(`subject key "alice" is already claimed by customer ${a.id}`)));
  const b = await store.create({ name: 'B', usageAttribution: { subjectKeys: ['carol'] } });
  await assert.rejects(store.replace(b.id, { name: 'B', usageAttribution: { subjectKeys: ['alice'] } }), conflict(/"alice"/));
  assert.deepEqual((await store.get(b.id))?.usageAttribution.subjectKeys, ['carol'], 'a refused update changes nothing');
});

test('409: a key equal to another customer\'s subject key, or to another customer\'s key', async () => {
  const { store } = setup();
  const a = await store.create({ name: 'A', key: 'acme', usageAttribution: { subjectKeys: ['alice'] } });
  await assert.rejects(store.create({ name: 'B', key: 'alice' }), conflict(new RegExp(`customer key "alice" is already a subject key of customer ${a.id}`)));
  await assert.rejects(store.create({ name: 'B', key: 'acme' }), conflict(new RegExp(`customer key "acme" is already used by customer ${a.id}`)));
  const own = await store.create({ name: 'C', key: 'carol', usageAttribution: { subjectKeys: ['carol'] } });
  assert.equal(own.key, 'carol', 'a customer may list its own key as a subject key');
});

test('resolution: key wins over another customer\'s subject key', async () => {
  const { store, resolver } = setup();
  const owner = await store.create({ name: 'Owner', key: 'shared' });
  const lister = await store.create({ name: 'Lister', usageAttribution: { subjectKeys: ['shared', 'own'] } });
  assert.equal(await resolver.resolve('shared'), owner.id);
  assert.equal(await resolver.resolve('own'), lister.id);
  await store.delete(owner.id);
  assert.equal(await resolver.resolve('shared'), lister.id, 'once the key is released the subject key applies');
});

test('the hook receives the subjects that resolve to the customer after each write', async () => {
  const { store, claims } = setup();
  await store.create({ name: 'Owner', key: 'shared' });
  const c = await store.create({ name: 'C', key: 'c', usageAttribution: { subjectKeys: ['alice', 'shared'] } });
  assert.deepEqual(claims.at(-1), [c.id, ['c', 'alice']], 'a subject that is another customer\'s key is not claimed');
  await store.replace(c.id, { name: 'C', key: 'c', usageAttribution: { subjectKeys: ['alice', 'bob'] } });
  assert.deepEqual(claims.at(-1), [c.id, ['c', 'alice', 'bob']]);
  const before = claims.length;
  await assert.rejects(store.create({ name: 'D', usageAttribution: { subjectKeys: ['bob'] } }));
  assert.equal(claims.length, before, 'no hook call for a refused write');
});

test('a subject moved between customers resolves to the new holder and is claimed by it', async () => {
  const { store, resolver, claims } = setup();
  const a = await store.create({ name: 'A', usageAttribution: { subjectKeys: ['alice', 'bob'] } });
  const b = await store.create({ name: 'B', usageAttribution: { subjectKeys: ['carol'] } });
  assert.equal(await resolver.resolve('bob'), a.id);
  await store.replace(a.id, { name: 'A', usageAttribution: { subjectKeys: ['alice'] } });
  assert.equal(await resolver.resolve('bob'), undefined);
  await store.replace(b.id, { name: 'B', usageAttribution: { subjectKeys: ['carol', 'bob'] } });
  assert.equal(await resolver.resolve('bob'), b.id);
  assert.deepEqual(claims.at(-1), [b.id, ['carol', 'bob']]);
});

test('concurrent writers claiming one subject: exactly one wins', async () => {
  const { store, resolver } = setup();
  const attempts = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.create({ name: `N${i}`, usageAttribution: { subjectKeys: ['contested'] } })));
  const winners = attempts.filter((a) => a.status === 'fulfilled');
  assert.equal(winners.length, 1);
  assert.ok(attempts.every((a) => a.status === 'fulfilled' || (a.reason instanceof TallyError && a.reason.code === 'CONFLICT')));
  assert.equal(await resolver.resolve('contested'), winners[0]?.status === 'fulfilled' ? winners[0].value.id : 'none');
});

test('list pages in creation order with totalCount; deleted ones only on request', async () => {
  const { store } = setup();
  const created = [];
  for (let i = 0; i < 5; i++) created.push(await store.create({ name: `C${i}`, key: `k${i}` }));
  await store.delete('k1');
  const first = await store.list({ page: 1, pageSize: 2 });
  assert.deepEqual({ ...first, items: first.items.map((c) => c.key) }, { items: ['k0', 'k2'], page: 1, pageSize: 2, totalCount: 4 });
  const last = await store.list({ page: 2, pageSize: 3 });
  assert.deepEqual(last.items.map((c) => c.key), ['k4']);
  assert.deepEqual((await store.list({ page: 9, pageSize: 3 })).items, []);
  const all = await store.list({ page: 1, pageSize: 10, includeDeleted: true });
  assert.equal(all.totalCount, 5);
  assert.ok(all.items[1]?.deletedAt);
});

test('invalid input is BAD_REQUEST before touching Redis', async () => {
  const { store } = setup();
  await assert.rejects(store.create({ name: '' } as never), (error: unknown) => error instanceof TallyError && error.code === 'BAD_REQUEST');
  assert.equal((await store.list({ page: 1, pageSize: 10 })).totalCount, 0);
});

test('list filters: case-insensitive partial matches, AND-ed, paginated after filtering', async () => {
  const { store } = setup();
  await store.create({ name: 'ACME Corp', key: 'acme', primaryEmail: 'billing@acme.test', usageAttribution: { subjectKeys: ['consumer:1'] } });
  await store.create({ name: 'Acme Labs', key: 'acme-labs', usageAttribution: { subjectKeys: ['consumer:2'] } });
  await store.create({ name: 'Globex', key: 'globex', usageAttribution: { subjectKeys: ['Consumer:3'] } });
  const names = async (filter: object, page = 1, pageSize = 10) => {
    const result = await store.list({ page, pageSize, filter });
    return [result.totalCount, result.items.map((c) => c.name)];
  };
  assert.deepEqual(await names({ name: 'acme' }), [2, ['ACME Corp', 'Acme Labs']]);
  assert.deepEqual(await names({ name: 'acme', key: 'labs' }), [1, ['Acme Labs']]);
  assert.deepEqual(await names({ subject: 'CONSUMER:3' }), [1, ['Globex']]);
  assert.deepEqual(await names({ primaryEmail: '@ACME' }), [1, ['ACME Corp']]);
  assert.deepEqual(await names({ subject: 'consumer' }, 2, 2), [3, ['Globex']]);
  assert.deepEqual(await names({ key: '' }), [3, ['ACME Corp', 'Acme Labs', 'Globex']]);
});
