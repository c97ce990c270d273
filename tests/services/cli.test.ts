import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/free-port.js';
import { event, post } from '../support/ingest-harness.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { spawnTally, type SpawnedTally } from '../support/spawn-tally.js';

const adminToken = 'tly_cli-test-admin-token-0123456789';
const metersFile = fileURLToPath(new URL('../../deploy/meters.example.yaml', import.meta.url));

describe('tally CLI', () => {
  let redis: TestRedis;
  let client: Redis;
  const started: SpawnedTally[] = [];
  before(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
  });
  after(async () => {
    for (const tally of started) tally.kill();
    client.disconnect();
    await redis.stop();
  });

  /** Starts `tally <role>` on a free port with its own key prefix and waits for /readyz. */
  const start = async (role: string, env: Record<string, string> = {}) => {
    const port = await freePort();
    const prefix = `cli-${role}-${port}:`;
    const tally = spawnTally([role], {
      REDIS_URL: redis.url,
      TALLY_REDIS_PREFIX: prefix,
      HOST: '127.0.0.1',
      PORT: String(port),
      TALLY_ADMIN_TOKEN: adminToken,
      LOG_LEVEL: 'warn',
      TALLY_LOG_FETCH_WAIT_MS: '10',
      ...env,
    });
    started.push(tally);
    const url = `http://127.0.0.1:${port}`;
    await eventually(async () => {
      assert.equal(tally.child.exitCode, null, `tally ${role} exited early: ${tally.stderr()}`);
      const res = await fetch(`${url}/readyz`);
      assert.equal(res.status, 200, 'ready');
    }, { timeoutMs: 30_000, intervalMs: 100 });
    return { tally, url, streamKey: `${prefix}events` };
  };

  const idsInStream = async (key: string) =>
    (await client.xrange(key, '-', '+')).map(([, fields]) => JSON.parse(String(fields[fields.indexOf('event') + 1])).id as string);

  test('all: ready, ingests with the bootstrap admin token, serves the API, and a SIGTERM under load loses no acknowledged event', async () => {
    const { tally, url, streamKey } = await start('all');
    const first = event();
    assert.equal((await post(`${url}/v3/openmeter/events`, [first], { token: adminToken })).status, 202);
    assert.deepEqual(await idsInStream(streamKey), [first.id]);
    const meters = await fetch(`${url}/api/v1/meters`, { headers: { authorization: `Bearer ${adminToken}` } });
    assert.equal(meters.status, 200);

    // A client that died mid-body must not hold the shutdown.
    const dead = connect(Number(new URL(url).port), '127.0.0.1');
    dead.on('error', () => undefined);
    dead.write(`POST /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${adminToken}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n[{"id":`);

    const acknowledged: string[] = [first.id as string];
    let stopped = false;
    let answered = 0;
    const sender = async () => {
      while (!stopped) {
        const batch = [event(), event()];
        try {
          const res = await post(`${url}/api/v1/events`, batch, { token: adminToken });
          answered++;
          if (res.status === 204) acknowledged.push(...batch.map((e) => e.id as string));
          else assert.equal(res.status, 503, `during shutdown a request gets 204 or 503, not ${res.status}`);
        } catch {
          stopped = true; // connection refused or reset: the server stopped accepting
        }
      }
    };
    const senders = Array.from({ length: 8 }, sender);
    await eventually(() => assert.ok(answered >= 100, 'load is flowing'), { timeoutMs: 20_000 });
    dead.destroy();
    tally.child.kill('SIGTERM');
    assert.equal(await tally.exited, 0, `exit code; stderr: ${tally.stderr()}`);
    stopped = true;
    await Promise.all(senders);

    const logged = new Set(await idsInStream(streamKey));
    const lost = acknowledged.filter((id) => !logged.has(id));
    assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged events missing from the stream`);
    assert.ok(acknowledged.length > 200, `acknowledged ${acknowledged.length}`);
  });

  test('ingest and api roles serve only their routes; TALLY_METERS_FILE is applied at start', async () => {
    const ingest = await start('ingest');
    const api = await start('api', { TALLY_METERS_FILE: metersFile });
    assert.equal((await post(`${ingest.url}/api/v1/events`, [event()], { token: adminToken })).status, 204);
    assert.equal((await post(`${api.url}/api/v1/events`, [event()], { token: adminToken })).status, 404);
    const auth = { headers: { authorization: `Bearer ${adminToken}` } };
    assert.equal((await fetch(`${api.url}/api/v1/tokens`, auth)).status, 200);
    assert.equal((await fetch(`${ingest.url}/api/v1/tokens`, auth)).status, 404);
    const meters = (await (await fetch(`${api.url}/api/v1/meters`, auth)).json()) as Array<{ slug: string }>;
    assert.deepEqual(meters.map((m) => m.slug).sort(), ['kong_api_requests', 'kong_llm_tokens']);
    for (const { tally } of [ingest, api]) {
      tally.child.kill('SIGINT');
      assert.equal(await tally.exited, 0, tally.stderr());
    }
  });

  test('bad configuration: exit 2, every problem listed, no secret echoed', async () => {
    const tally = spawnTally(['all'], { PORT: 'eighty', TALLY_MAX_BODY_BYTES: '-1', LOG_LEVEL: 'loud', TALLY_ADMIN_TOKEN: 'short secret' });
    started.push(tally);
    assert.equal(await tally.exited, 2);
    const stderr = tally.stderr();
    for (const name of ['PORT', 'TALLY_MAX_BODY_BYTES', 'LOG_LEVEL', 'TALLY_ADMIN_TOKEN']) assert.match(stderr, new RegExp(`^  ${name}: `, 'm'));
    assert.doesNotMatch(stderr, /short secret/);
  });

  test('an invalid meters file stops the start: exit 2 naming the meter', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tally-cli-'));
    const file = join(dir, 'meters.yaml');
    await writeFile(file, 'meters:\n  - slug: tokens\n    aggregation: SUM\n    eventType: llm\n');
    const tally = spawnTally(['api'], { REDIS_URL: redis.url, TALLY_REDIS_PREFIX: 'cli-bad-meters:', PORT: '0', TALLY_METERS_FILE: file });
    started.push(tally);
    assert.equal(await tally.exited, 2, tally.stderr());
    assert.match(tally.stderr(), /meters\[0\] \(tokens\): valueProperty/);
    await rm(dir, { recursive: true, force: true });
  });

  test('unknown or missing role: exit 2 with the usage', async () => {
    const runs = [[], ['everything'], ['all', 'extra']].map((args) => ({ args, tally: spawnTally(args, {}) }));
    started.push(...runs.map((run) => run.tally));
    for (const { args, tally } of runs) {
      assert.equal(await tally.exited, 2, `args ${JSON.stringify(args)}`);
      assert.match(tally.stderr(), /usage: tally <ingest\|api\|worker\|all>/);
    }
  });
});
