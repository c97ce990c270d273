import { after, before } from 'node:test';
import { randomUUID } from 'node:crypto';
import { startRedis, type TestRedis } from '../../support/redis-server.js';
import { createWorkerHarness } from './worker-harness.js';
import { runWorkerSuite } from './worker-suite.js';

let server: TestRedis;
before(async () => {
  server = await startRedis();
});
after(async () => {
  await server.stop();
});

runWorkerSuite('redis stream', () => createWorkerHarness(server.url, { TALLY_STREAM_KEY: `events-${randomUUID()}`, TALLY_PARKED_MAX_PER_SUBJECT: '20' }));
