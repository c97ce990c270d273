import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { startRedis } from './redis-server.js';

test('startRedis gives a live server that can crash and come back empty', async () => {
  const server = await startRedis();
  const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
  try {
    await client.set('k', 'v');
    assert.equal(await client.get('k'), 'v');
    await server.stop();
    await assert.rejects(client.get('k'));
    await server.restart();
    const fresh = new Redis(server.url);
    assert.equal(await fresh.get('k'), null);
    fresh.disconnect();
  } finally {
    client.disconnect();
    await server.stop();
  }
});
