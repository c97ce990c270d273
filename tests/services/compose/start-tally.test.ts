import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { loadConfig } from '../../../core/config/config.js';
import { MetersFileError } from '../../../core/meters/meters-file.js';
import { createLogger } from '../../../services/compose/create-logger.js';
import { startTally, WorkerMissingError } from '../../../services/compose/start-tally.js';
import type { WorkerSlot } from '../../../services/compose/worker-slot.js';
import { eventually } from '../../support/eventually.js';
import { event, post } from '../../support/ingest-harness.js';
import { startRedis, type TestRedis } from '../../support/redis-server.js';

const adminToken = 'tly_start-tally-admin-0123456789';
let redis: TestRedis;
let probe: Redis;
let systems = 0;
before(async () => {
  redis = await startRedis();
  probe = new Redis(redis.url);
});
after(async () => {
  probe.disconnect();
  await redis.stop();
});

function setup(env: Record<string, string> = {}) {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }) });
  const config = loadConfig({ REDIS_URL: redis.url, TALLY_REDIS_PREFIX: `st${++systems}:`, HOST: '127.0.0.1', PORT: '0', TALLY_ADMIN_TOKEN: adminToken, ...env });
  return { config, logger, lines };
}

const connectedClients = async () => Number(/connected_clients:(\d+)/.exec(await probe.info('clients'))?.[1]);

test('worker without a worker in the build: WorkerMissingError, nothing left open', async () => {
  const before = await connectedClients();
  await assert.rejects(startTally({ role: 'worker', ...setup(), worker: undefined }), WorkerMissingError);
  assert.equal(await connectedClients(), before);
});

test('all without a worker: ingest and api run, with a warning', async () => {
  const { config, logger, lines } = setup();
  const tally = await startTally({ role: 'all', config, logger, worker: undefined });
  const url = `http://127.0.0.1:${tally.port}`;
  assert.equal((await post(`${url}/api/v1/events`, [event()], { token: adminToken })).status, 204);
  assert.equal((await fetch(`${url}/api/v1/meters`, { headers: { authorization: `Bearer ${adminToken}` } })).status, 200);
  assert.ok(lines.some((line) => line.includes('this build has no worker')), 'warned');
  await tally.stop();
  await tally.stop(); // idempotent
});

test('the worker slot: its hook serves customer writes, its worker starts with the runtime and stops before the clients close', async () => {
  const calls: string[] = [];
  const worker: WorkerSlot = {
    createSubjectsClaimedHook: () => async (customerId, subjects) => void calls.push(`claimed ${subjects.join(',')}`),
    startWorker: async (runtime) => {
      calls.push(`started ${runtime.config.redisPrefix}`);
      return { stop: async () => void calls.push(`stopped, redis ${runtime.redis.status}`) };
    },
  };
  const { config, logger } = setup();
  const tally = await startTally({ role: 'all', config, logger, worker });
  await tally.runtime.customers.create({ name: 'Alice', key: 'alice' });
  await tally.stop();
  assert.deepEqual(calls, [`started ${config.redisPrefix}`, 'claimed alice', 'stopped, redis ready']);
  await eventually(() => assert.equal(tally.runtime.redis.status, 'end', 'redis closed after the worker stopped'));
});

test('an invalid meters file fails the start and closes what was opened', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tally-start-'));
  const file = join(dir, 'meters.yaml');
  await writeFile(file, '- slug: Bad Slug\n  aggregation: COUNT\n  eventType: x\n');
  const before = await connectedClients();
  await assert.rejects(startTally({ role: 'api', ...setup({ TALLY_METERS_FILE: file }), worker: undefined }), MetersFileError);
  await eventually(async () => assert.equal(await connectedClients(), before, 'connections closed'));
  await rm(dir, { recursive: true, force: true });
});
