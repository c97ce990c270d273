import assert from 'node:assert/strict';
import { request } from 'node:http';
import { hostname } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { eventually } from '../support/eventually.js';
import { startLoad } from '../support/load-driver.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { consumerPending, pendingCount } from '../support/stream-pending.js';
import { soakScale } from '../support/soak.js';
import { createReliabilitySummary, writeDiagnostic } from '../support/reliability-summary.js';
import { startTallyProcess, type TallyProcess } from '../support/tally-process.js';
import { assertCountedExactlyOnce, prepareTenant } from './metered-setup.js';

const summary = createReliabilitySummary('stream-faults');
const adminToken = `tly_stream_faults_admin_${process.pid}`;
const kills = soakScale(3, 12);

/** Faults of the embedded setup (Redis Stream log): ingest and worker processes killed and stopped under load. */
describe('faults over the Redis Stream log', () => {
  let redis: TestRedis;
  let client: Redis;
  let api: TallyProcess;
  let ingest: TallyProcess[] = [];
  let worker: TallyProcess | undefined;
  let ingestToken = '';
  const prefix = `sf${process.pid}:`;
  const env = (): Record<string, string> => ({
    REDIS_URL: redis.url,
    TALLY_REDIS_PREFIX: prefix,
    TALLY_ADMIN_TOKEN: adminToken,
    TALLY_STREAM_CLAIM_IDLE_MS: '1000',
    TALLY_PUBLISH_TIMEOUT_MS: '2000',
  });
  const urls = () => ingest.map((p) => p.url);
  const warmUp = () => ({ ingestUrl: ingest[0]!.url, ingestToken, redisUrl: redis.url, prefix });

  before(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
    [api, worker, ...ingest] = await Promise.all([
      startTallyProcess('api', env()),
      startTallyProcess('worker', env()),
      startTallyProcess('ingest', env()),
      startTallyProcess('ingest', env()),
    ]);
    const res = await fetch(`${api.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'gateway', scopes: ['ingest'] }),
    });
    ingestToken = ((await res.json()) as { token: string }).token;
    assert.ok(ingestToken, 'an ingest token');
  });
  const retired: TallyProcess[] = [];
  after(async () => {
    summary.write();
    // Every process's own log, for diagnosing a failed run.
    const logs = [api, worker, ...ingest, ...retired].filter(Boolean).map((p) => `== ${p!.pid}\n${p!.output.join('\n')}`);
    writeDiagnostic('stream-faults-tally.log', `${logs.join('\n')}\n`);
    await Promise.all([api, worker, ...ingest].map((p) => p?.stop(5_000)));
    client.disconnect();
    await redis.stop();
  });

  test(`worker SIGKILLed mid-batch ${kills} times under load: pending entries are claimed, every 2xx event counted once`, () =>
    summary.track('fault', `worker SIGKILLed mid-batch ${kills} times under load (Redis Stream, pending entries claimed)`, async () => {
      const tenant = await prepareTenant(api.url, adminToken, 'sigkill', warmUp());
      const driver = startLoad({ urls, token: ingestToken, subjects: tenant.subjects, eventType: tenant.eventType, runId: `sigkill-${process.pid}`, concurrency: 4 });
      let pendingAtKills = 0;
      for (let kill = 0; kill < kills; kill++) {
        const before = driver.acknowledgedTotal();
        await eventually(() => assert.ok(driver.acknowledgedTotal() >= before + 200, 'load is flowing'), { timeoutMs: 20_000 });
        const dying = worker!;
        // Freeze it until it holds entries it read but did not acknowledge, then kill it: a consumer dying mid-batch.
        const pending = await eventually(async () => {
          dying.signal('SIGSTOP');
          const held = await consumerPending(client, `${prefix}events`, `${hostname()}-${dying.pid}`);
          if (held === 0) dying.signal('SIGCONT');
          assert.ok(held > 0, 'the worker holds pending entries');
          return held;
        }, { timeoutMs: 20_000, intervalMs: 20 });
        dying.signal('SIGKILL');
        await dying.exited;
        retired.push(dying);
        pendingAtKills += pending;
        worker = await startTallyProcess('worker', env());
      }
      const { unacknowledgedBatches } = await driver.stop();
      assert.equal(unacknowledgedBatches, 0);
      const events = await assertCountedExactlyOnce(redis.url, prefix, tenant, driver);
      await eventually(async () => assert.equal(await pendingCount(client, `${prefix}events`), 0, 'nothing left pending'));
      return { acknowledgedEvents: events, kills, entriesPendingAtKills: pendingAtKills };
    }));

  test('ingest SIGTERM under load: it exits cleanly, clients move on, no acknowledged event is lost', () =>
    summary.track('fault', 'ingest SIGTERM under load (in-flight requests finish or fail, none lost)', async () => {
      const tenant = await prepareTenant(api.url, adminToken, 'sigterm', warmUp());
      const driver = startLoad({ urls, token: ingestToken, subjects: tenant.subjects, eventType: tenant.eventType, runId: `sigterm-${process.pid}`, concurrency: 6 });
      await eventually(() => assert.ok(driver.acknowledgedTotal() >= 500, 'load is flowing'), { timeoutMs: 20_000 });
      const stopping = ingest[0]!;
      const exitCode = await stopping.stop(15_000);
      ingest = ingest.slice(1);
      retired.push(stopping);
      const before = driver.acknowledgedTotal();
      await eventually(() => assert.ok(driver.acknowledgedTotal() >= before + 200, 'load continues on the other ingest'), { timeoutMs: 20_000 });
      const { unacknowledgedBatches } = await driver.stop();
      assert.equal(exitCode, 0, 'graceful exit');
      assert.equal(unacknowledgedBatches, 0);
      const events = await assertCountedExactlyOnce(redis.url, prefix, tenant, driver);
      ingest.push(await startTallyProcess('ingest', env()));
      return { acknowledgedEvents: events, exitCode };
    }));

  test('SIGTERM while a request body is still arriving: that request finishes with 204 and its event is in the log', () =>
    summary.track('fault', 'ingest SIGTERM with a request half-received (it finishes, 204, event in the log)', async () => {
      const process_ = await startTallyProcess('ingest', env());
      retired.push(process_);
      const id = `in-flight-${Date.now()}`;
      const body = JSON.stringify([{ specversion: '1.0', id, source: 'slow-client', type: 'in-flight.request', subject: 'nobody' }]);
      let sent: () => void = () => {};
      const firstPartSent = new Promise<void>((resolve) => (sent = resolve));
      const answer = new Promise<number>((resolve, reject) => {
        const req = request(`${process_.url}/api/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/cloudevents-batch+json', 'content-length': String(Buffer.byteLength(body)) },
        }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.write(body.slice(0, 20), () => sent());
        // The rest arrives only after the process was told to stop.
        void process_.waitForOutput(/"msg":"shutting down"/).then(() => req.end(body.slice(20)), reject);
      });
      await firstPartSent;
      // A round trip on another connection: the server has read what was sent before it.
      assert.equal((await fetch(`${process_.url}/healthz`)).status, 200);
      process_.signal('SIGTERM');
      assert.equal(await answer, 204, 'the in-flight request is answered');
      assert.equal(await process_.exited, 0, 'then the process exits cleanly');
      const entries = await client.xrange(`${prefix}events`, '-', '+');
      assert.ok(entries.some(([, fields]) => fields.join(' ').includes(id)), 'its event is in the log');
      return { exitCode: 0 };
    }));

  test('no token appears in the output of any process', () =>
    summary.track('security', 'no token in the logs of the Tally processes of the fault runs', async () => {
      const lines = [api, worker, ...ingest, ...retired].flatMap((p) => p?.output ?? []);
      assert.ok(lines.length > 0, 'the processes wrote logs');
      for (const line of lines) {
        for (const secret of [adminToken, ingestToken]) assert.ok(!line.includes(secret), `a token appears in a process log line: ${line.slice(0, 160)}`);
      }
      return { logLines: lines.length };
    }));

  test('duplicate storm: acknowledged batches re-sent 10 times each, concurrently, are still counted once', () =>
    summary.track('fault', 'duplicate storm (every batch re-sent 10x concurrently)', async () => {
      const tenant = await prepareTenant(api.url, adminToken, 'storm', warmUp());
      const driver = startLoad({ urls, token: ingestToken, subjects: tenant.subjects, eventType: tenant.eventType, runId: `storm-${process.pid}`, concurrency: 2 });
      await eventually(() => assert.ok(driver.acknowledgedTotal() >= 600, 'load is flowing'), { timeoutMs: 20_000 });
      await driver.stop();
      await assertCountedExactlyOnce(redis.url, prefix, tenant, driver);
      const resends = driver.acceptedBatches.flatMap((batch) => Array.from({ length: 10 }, () => JSON.stringify(batch)));
      let sent = 0;
      await Promise.all(Array.from({ length: 16 }, async (_, lane) => {
        for (let body = resends.pop(); body; body = resends.pop()) {
          const res = await fetch(`${urls()[lane % urls().length]}/api/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/cloudevents-batch+json' },
            body,
          });
          assert.equal(res.status, 204, 'a duplicate is acknowledged');
          sent++;
        }
      }));
      const lengthBefore = await client.xlen(`${prefix}events`);
      assert.ok(lengthBefore > 0);
      await eventually(async () => assert.equal(await pendingCount(client, `${prefix}events`), 0, 'the worker consumed the storm'), { timeoutMs: 30_000 });
      const events = await assertCountedExactlyOnce(redis.url, prefix, tenant, driver);
      return { acknowledgedEvents: events, duplicateRequests: sent };
    }));
});
