import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { createLogger } from '../../../services/compose/create-logger.js';
import { event, post, startIngestHarness, type IngestHarness } from '../../support/ingest-harness.js';
import { createMemoryEventLog } from '../../support/memory-event-log.js';
import { startRedis, type TestRedis } from '../../support/redis-server.js';

let redis: TestRedis;
let app: IngestHarness;
before(async () => {
  redis = await startRedis();
  app = await startIngestHarness({ redisUrl: redis.url, log: createMemoryEventLog() });
});
after(async () => {
  await app.close();
  await redis.stop();
});

test('no token appears in any log line, for accepted, rejected and failed requests', async () => {
  const forged = 'tly_forged-token-value-123';
  await post(`${app.url}/api/v1/events`, [event()], { token: app.ingestToken });
  await post(`${app.url}/api/v1/events`, [event({ subject: '' })], { token: app.ingestToken });
  await post(`${app.url}/api/v1/events`, [event()], { token: forged });
  await post(`${app.url}/api/v1/events`, [event()], { token: app.readToken });
  await post(`${app.url}/api/v1/events`, [event()], { headers: { authorization: `Basic ${app.adminToken}` } });
  const created = await fetch(`${app.url}/api/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${app.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'n', scopes: ['read'] }),
  });
  const { token } = await created.json();
  assert.ok(app.logLines.length >= 4, 'failed requests were logged');
  const all = app.logLines.join('\n');
  for (const secret of [app.ingestToken, app.readToken, app.adminToken, forged, token]) assert.ok(!all.includes(secret));
});

test('pino redaction censors tokens wherever an object carrying one is logged', () => {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _e, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  });
  logger.info({ req: { headers: { authorization: 'Bearer tly_secret1' } }, token: 'tly_secret2', config: { adminToken: 'tly_secret3' } }, 'x');
  assert.equal(lines.length, 1);
  assert.ok(!/tly_secret/.test(lines[0] ?? ''));
  assert.match(lines[0] ?? '', /\[redacted\]/);
});
