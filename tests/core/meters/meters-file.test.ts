import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { loadMetersFile, MetersFileError, readMetersFile } from '../../../core/meters/meters-file.js';
import { createRedisMeterRegistry } from '../../../core/meters/redis/redis-meter-registry.js';
import { startRedis, type TestRedis } from '../../support/redis-server.js';

let server: TestRedis;
let redis: Redis;
let dir: string;
let counter = 0;

before(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
  dir = await mkdtemp(join(tmpdir(), 'tally-meters-'));
});
after(async () => {
  redis.disconnect();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

const registry = () => createRedisMeterRegistry({ redis, prefix: `mf${++counter}:` });

async function file(name: string, text: string) {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const rejectsWith = (pattern: RegExp) => (error: unknown) => error instanceof MetersFileError && pattern.test(error.message);

test('the shipped example declares Konnect\'s two meters and applies idempotently', async () => {
  const meters = registry();
  const example = new URL('../../../deploy/meters.example.yaml', import.meta.url).pathname;
  assert.deepEqual(await loadMetersFile({ registry: meters, file: example }), { created: ['kong_api_requests', 'kong_llm_tokens'], updated: [], unchanged: [] });
  const tokens = await meters.get('kong_llm_tokens');
  assert.equal(tokens?.aggregation, 'SUM');
  assert.equal(tokens?.valueProperty, '$.tokens');
  assert.deepEqual(tokens?.groupBy, { model: '$.model', provider: '$.provider', type: '$.type' });
  assert.equal((await meters.get('kong_api_requests'))?.aggregation, 'COUNT');
  assert.deepEqual(await loadMetersFile({ registry: meters, file: example }), { created: [], updated: [], unchanged: ['kong_api_requests', 'kong_llm_tokens'] });
});

test('a JSON file: mutable changes are applied to the existing meter, keeping its id', async () => {
  const meters = registry();
  const v1 = await file('v1.json', JSON.stringify([{ slug: 'calls', aggregation: 'COUNT', eventType: 'call' }]));
  await loadMetersFile({ registry: meters, file: v1 });
  const before = await meters.get('calls');
  const v2 = await file('v2.json', JSON.stringify({ meters: [{ slug: 'calls', name: 'Calls', aggregation: 'COUNT', eventType: 'call', groupBy: { route: '$.route' } }] }));
  assert.deepEqual((await loadMetersFile({ registry: meters, file: v2 })).updated, ['calls']);
  const after = await meters.get('calls');
  assert.equal(after?.id, before?.id);
  assert.equal(after?.name, 'Calls');
  assert.deepEqual(after?.groupBy, { route: '$.route' });
});

test('changing an immutable field of an existing slug is a start error naming the meter', async () => {
  const meters = registry();
  await meters.create({ slug: 'tokens', aggregation: 'SUM', eventType: 'llm', valueProperty: '$.tokens' });
  const path = await file('changed.yaml', 'meters:\n  - slug: tokens\n    aggregation: MAX\n    eventType: llm\n    valueProperty: $.tokens\n');
  await assert.rejects(loadMetersFile({ registry: meters, file: path }), rejectsWith(/meter "tokens" .*aggregation is "SUM" in Redis, "MAX" in the file/));
  assert.equal((await meters.get('tokens'))?.aggregation, 'SUM');
});

test('invalid entries are all reported with their index and slug', async () => {
  const path = await file('bad.yaml', [
    '- slug: ok_meter',
    '  aggregation: COUNT',
    '  eventType: a',
    '- slug: no_value',
    '  aggregation: SUM',
    '  eventType: b',
    '- slug: ok_meter',
    '  aggregation: COUNT',
    '  eventType: c',
  ].join('\n'));
  await assert.rejects(readMetersFile(path), (error: unknown) => {
    assert.ok(error instanceof MetersFileError);
    assert.deepEqual(error.problems, ['meters[1] (no_value): valueProperty: is required for SUM meters', 'meters[2] (ok_meter): slug declared twice']);
    return true;
  });
});

test('unreadable, unparsable and shapeless files are reported', async () => {
  await assert.rejects(readMetersFile(join(dir, 'missing.yaml')), rejectsWith(/ENOENT/));
  await assert.rejects(readMetersFile(await file('broken.yaml', 'meters: [\n')), rejectsWith(/broken\.yaml/));
  await assert.rejects(readMetersFile(await file('scalar.yaml', 'hello')), rejectsWith(/expected a list of meters/));
});
