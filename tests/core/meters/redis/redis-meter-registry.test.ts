import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { TallyError } from '../../../../core/http/tally-error.js';
import { createRedisMeterRegistry } from '../../../../core/meters/redis/redis-meter-registry.js';
import { countRedisCommands } from '../../../support/count-redis-commands.js';
import { eventually } from '../../../support/eventually.js';
import { startRedis, type TestRedis } from '../../../support/redis-server.js';

let server: TestRedis;
const clients: Redis[] = [];
let prefixCounter = 0;

before(async () => {
  server = await startRedis();
});
after(async () => {
  for (const client of clients) client.disconnect();
  await server.stop();
});

function client(): Redis {
  const redis = new Redis(server.url);
  clients.push(redis);
  return redis;
}

function freshPrefix() {
  return `t${++prefixCounter}:`;
}

const tokens = { slug: 'tokens_total', aggregation: 'SUM' as const, eventType: 'kong.llm_request', valueProperty: '$.tokens', groupBy: { model: '$.model' } };
const requests = { slug: 'api_requests', aggregation: 'COUNT' as const, eventType: 'kong.api_request' };

const isCode = (code: string) => (error: unknown) => error instanceof TallyError && error.code === code;

test('create, get by id and slug, list, update, delete', async () => {
  const registry = createRedisMeterRegistry({ redis: client(), prefix: freshPrefix() });
  const created = await registry.create(tokens);
  assert.match(created.id, /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
  assert.equal(created.name, 'tokens_total');
  assert.deepEqual(await registry.get(created.id), created);
  assert.deepEqual(await registry.get('tokens_total'), created);
  const second = await registry.create(requests);
  assert.deepEqual((await registry.list()).map((m) => m.slug), ['tokens_total', 'api_requests']);

  const updated = await registry.update('tokens_total', { name: 'Tokens', groupBy: { model: '$.model', type: '$.type' } });
  assert.equal(updated.name, 'Tokens');
  assert.deepEqual((await registry.get(created.id))?.groupBy, { model: '$.model', type: '$.type' });
  assert.equal((await registry.get(created.id))?.aggregation, 'SUM');

  await registry.delete(second.id);
  assert.equal(await registry.get('api_requests'), undefined);
  assert.deepEqual((await registry.list()).map((m) => m.slug), ['tokens_total']);
});

test('a taken slug is a CONFLICT; a deleted slug is free again with a new id', async () => {
  const registry = createRedisMeterRegistry({ redis: client(), prefix: freshPrefix() });
  const first = await registry.create(tokens);
  await assert.rejects(registry.create({ ...tokens, aggregation: 'MAX' }), isCode('CONFLICT'));
  await registry.delete('tokens_total');
  const again = await registry.create(tokens);
  assert.notEqual(again.id, first.id);
});

test('unknown meters are NOT_FOUND; invalid input and immutable changes are BAD_REQUEST', async () => {
  const registry = createRedisMeterRegistry({ redis: client(), prefix: freshPrefix() });
  await assert.rejects(registry.update('nope', { name: 'x' }), isCode('NOT_FOUND'));
  await assert.rejects(registry.delete('nope'), isCode('NOT_FOUND'));
  await assert.rejects(registry.create({ ...requests, valueProperty: '$.x' }), isCode('BAD_REQUEST'));
  await registry.create(tokens);
  await assert.rejects(registry.update('tokens_total', { aggregation: 'MAX' } as never), isCode('BAD_REQUEST'));
  assert.equal((await registry.get('tokens_total'))?.aggregation, 'SUM');
});

test('forEventType: another process\'s create, update and delete are seen within a second', async () => {
  const prefix = freshPrefix();
  const writer = createRedisMeterRegistry({ redis: client(), prefix });
  const worker = createRedisMeterRegistry({ redis: client(), prefix });
  assert.deepEqual(await worker.forEventType('kong.llm_request'), []);

  await writer.create(tokens);
  await eventually(async () => assert.deepEqual((await worker.forEventType('kong.llm_request')).map((m) => m.slug), ['tokens_total']), { timeoutMs: 1000 });

  await writer.update('tokens_total', { groupBy: { provider: '$.provider' } });
  await eventually(async () => assert.deepEqual((await worker.forEventType('kong.llm_request'))[0]?.groupBy, { provider: '$.provider' }), { timeoutMs: 1000 });

  await writer.delete('tokens_total');
  await eventually(async () => assert.deepEqual(await worker.forEventType('kong.llm_request'), []), { timeoutMs: 1000 });
});

test('forEventType serves repeated calls from memory', async () => {
  const redis = client();
  const registry = createRedisMeterRegistry({ redis, prefix: freshPrefix(), cacheMaxAgeMs: 60_000 });
  await registry.create(requests);
  assert.equal((await registry.forEventType('kong.api_request')).length, 1);
  const commands = await countRedisCommands(redis, async () => {
    for (let i = 0; i < 100; i++) await registry.forEventType('kong.api_request');
  });
  assert.equal(commands, 0);
});

test('get serves repeated lookups from memory and sees this process\'s own changes at once', async () => {
  const redis = client();
  const registry = createRedisMeterRegistry({ redis, prefix: freshPrefix(), cacheMaxAgeMs: 60_000 });
  const created = await registry.create(requests);
  assert.equal((await registry.get('api_requests'))?.id, created.id);
  const commands = await countRedisCommands(redis, async () => {
    for (let i = 0; i < 100; i++) assert.equal((await registry.get(i % 2 ? 'api_requests' : created.id))?.id, created.id, 'by slug and by id');
  });
  assert.equal(commands, 0);

  await registry.update('api_requests', { description: 'calls' });
  assert.equal((await registry.get(created.id))?.description, 'calls');
  await registry.delete(created.id);
  assert.equal(await registry.get('api_requests'), undefined);
  assert.equal(await registry.get(created.id), undefined);
  const again = await registry.create(requests);
  assert.equal((await registry.get('api_requests'))?.id, again.id);
});

test('get: another process\'s update and delete are seen within a second', async () => {
  const prefix = freshPrefix();
  const writer = createRedisMeterRegistry({ redis: client(), prefix });
  const reader = createRedisMeterRegistry({ redis: client(), prefix });
  const created = await writer.create(tokens);
  await eventually(async () => assert.equal((await reader.get('tokens_total'))?.id, created.id, 'created meter seen'), { timeoutMs: 1000 });

  await writer.update('tokens_total', { groupBy: { provider: '$.provider' } });
  await eventually(async () => assert.deepEqual((await reader.get(created.id))?.groupBy, { provider: '$.provider' }, 'update seen'), { timeoutMs: 1000 });

  await writer.delete('tokens_total');
  await eventually(async () => assert.equal(await reader.get('tokens_total'), undefined, 'delete seen'), { timeoutMs: 1000 });
});
