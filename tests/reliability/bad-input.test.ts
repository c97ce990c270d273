import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { createRedisStreamLog } from '../../core/log/redis-stream/redis-stream-log.js';
import { settledHeapBytes } from '../support/heap.js';
import { event, post, startIngestHarness, type IngestHarness } from '../support/ingest-harness.js';
import { rawRequest } from '../support/raw-request.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { soakScale } from '../support/soak.js';
import { createReliabilitySummary } from '../support/reliability-summary.js';
import { buildBadInputCases, caseLimits, paths, type BadInputCase, type Tokens } from './bad-input-cases.js';

const summary = createReliabilitySummary('bad-input');
const cases = buildBadInputCases();
const rounds = soakScale(6, 40);
const heapBound = 48 * 1024 * 1024;

describe('bad input on every ingest path and content type', () => {
  let redis: TestRedis;
  let client: Redis;
  let app: IngestHarness;
  let tokens: Tokens;
  const streamKey = `bad-input-${process.pid}:events`;

  before(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
    const log = createRedisStreamLog({ redis: client, streamKey, maxLen: undefined, publishTimeoutMs: 2_000 });
    app = await startIngestHarness({ redisUrl: redis.url, log, env: caseLimits });
    const revoked = await app.tokens.create({ name: 'revoked', scopes: ['ingest'] });
    await app.tokens.revoke(revoked.info.id);
    tokens = { ingest: app.ingestToken, read: app.readToken, revoked: revoked.token };
  });
  after(async () => {
    summary.write();
    await app.close();
    client.disconnect();
    await redis.stop();
  });

  const send = (c: BadInputCase) => {
    const authorization = c.authorization ? c.authorization(tokens) : `Bearer ${tokens.ingest}`;
    const headers: Record<string, string | string[]> = { ...c.headers };
    if (c.contentType !== undefined) headers['content-type'] = c.contentType;
    if (authorization !== undefined) headers.authorization = authorization;
    return rawRequest(app.url + c.path, { headers, body: c.body, stallAfterBytes: c.stallAfterBytes, chunked: c.chunked });
  };

  const check = async (c: BadInputCase) => {
    const res = await send(c);
    assert.equal(res.status, c.status, `${c.name}: status (${res.text.slice(0, 200)})`);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/, `${c.name}: content type`);
    const problem = JSON.parse(res.text) as { status: number; detail: string; invalid_parameters?: Array<{ field: string }> };
    assert.equal(problem.status, c.status, `${c.name}: problem status`);
    assert.match(problem.detail, c.detail, `${c.name}: detail`);
    if (c.fields && c.path !== '/api/v1/events') {
      assert.deepEqual(problem.invalid_parameters?.map((p) => p.field), c.fields, `${c.name}: invalid_parameters`);
    }
    if (c.status === 401) assert.equal(res.headers['www-authenticate'], 'Bearer', `${c.name}: WWW-Authenticate`);
  };

  /** Runs every case, a few at a time so the slow-body cases overlap with the rest; fails listing every case that did not hold. */
  const runAll = async () => {
    const queue = [...cases];
    const failures: string[] = [];
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) await check(c).catch((error: Error) => failures.push(error.message.split('\n')[0]!));
    }));
    assert.deepEqual(failures, [], `${failures.length} cases did not hold`);
  };

  test(`the table has at least 150 distinct cases covering every path and content type`, () => {
    assert.ok(cases.length >= 150, `only ${cases.length} cases`);
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length, 'case names are distinct');
    for (const path of paths) {
      for (const type of ['application/cloudevents+json', 'application/cloudevents-batch+json', 'application/json']) {
        assert.ok(cases.some((c) => c.path === path && c.contentType === type), `no case for ${path} ${type}`);
      }
    }
  });

  test('every case gets its 4xx problem+json and nothing reaches the log', () =>
    summary.track('bad-input', 'every bad request refused with a 4xx problem+json naming the problem', async () => {
      await runAll();
      assert.equal(await client.xlen(streamKey), 0, 'no bad request published anything');
      assert.equal((await fetch(`${app.url}/healthz`)).status, 200);
      return { cases: cases.length, statuses: [...new Set(cases.map((c) => c.status))].sort().join(' ') };
    }));

  test(`memory stays bounded over ${rounds} rounds of the whole table, and the process keeps serving`, () =>
    summary.track('bad-input', `heap bounded over ${rounds} rounds of every case`, async () => {
      await runAll();
      const baseline = settledHeapBytes();
      for (let round = 1; round < rounds; round++) await runAll();
      const growth = settledHeapBytes() - baseline;
      assert.ok(growth < heapBound, `heap grew ${growth} bytes over ${rounds - 1} rounds`);
      assert.equal(await client.xlen(streamKey), 0, 'no bad request published anything');
      const good = event();
      assert.equal((await post(`${app.url}/api/v1/events`, [good], { token: app.ingestToken })).status, 204);
      assert.equal(await client.xlen(streamKey), 1, 'a good request after all of them is published');
      return { requests: cases.length * rounds, heapGrowthKiB: Math.round(growth / 1024) };
    }));
});
