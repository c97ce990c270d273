import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Writable } from 'node:stream';
import { createLogger } from '../../../services/compose/create-logger.js';
import { createRedisClient, describeRedisUrl, waitForRedis } from '../../../services/compose/create-redis-client.js';
import { freePort } from '../../support/free-port.js';
import { startRedis, type TestRedis } from '../../support/redis-server.js';

const lines: string[] = [];
const logger = createLogger({ level: 'info', destination: new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }) });
let redis: TestRedis;
before(async () => {
  redis = await startRedis();
});
after(() => redis.stop());

test('waitForRedis resolves once the client is connected', async () => {
  const client = createRedisClient({ url: redis.url, logger });
  await waitForRedis(client, redis.url, 5_000);
  assert.equal(await client.ping(), 'PONG');
  client.disconnect();
});

test('waitForRedis gives up naming the URL, never its password', async () => {
  const url = `redis://tally:s3cret@127.0.0.1:${await freePort()}/0`;
  const client = createRedisClient({ url, logger });
  await assert.rejects(waitForRedis(client, url, 300), (error: Error) => {
    assert.match(error.message, /^Redis at redis:\/\/tally:\*\*\*@127\.0\.0\.1:\d+\/0 is unreachable \(waited 300 ms\)$/);
    return true;
  });
  client.disconnect();
  assert.ok(lines.some((line) => line.includes('redis unreachable, reconnecting')), 'the outage is logged');
  assert.ok(!lines.some((line) => line.includes('s3cret')), 'no password in the logs');
});

test('describeRedisUrl leaves URLs without a password as they are', () => {
  assert.equal(describeRedisUrl('redis://127.0.0.1:6379'), 'redis://127.0.0.1:6379');
  assert.equal(describeRedisUrl('not a url'), 'the configured REDIS_URL');
});
