import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import Router from '@koa/router';
import { Registry } from 'prom-client';
import { createHttpMetrics } from '../../../core/http/http-metrics.js';
import { TallyError } from '../../../core/http/tally-error.js';
import { createLogger } from '../../../services/compose/create-logger.js';
import { serveHttp } from '../../../services/compose/serve-http.js';
import { createApp } from '../../../services/http/create-app.js';

test('unknown errors: 500 without internals, logged once; retriable: 503 + Retry-After', async () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _e, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const router = new Router();
  router.get('/api/v1/boom', () => {
    throw new Error('secret internals at /srv/db');
  });
  router.get('/v3/openmeter/busy', () => {
    throw new TallyError('UNAVAILABLE', 'store busy', { retryAfterSeconds: 7 });
  });
  router.get('/api/v1/down', () => {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
  });
  const app = createApp({ logger: createLogger({ level: 'info', destination }), metrics: createHttpMetrics({ registry: new Registry() }), routers: [router] });
  const server = await serveHttp({ app, port: 0, host: '127.0.0.1', graceMs: 100 });
  try {
    const boom = await fetch(`http://127.0.0.1:${server.port}/api/v1/boom`);
    assert.equal(boom.status, 500);
    const text = await boom.text();
    assert.ok(!text.includes('secret') && !text.includes('/srv'));
    assert.deepEqual(Object.keys(JSON.parse(text)).sort(), ['detail', 'instance', 'status', 'title', 'type']);
    const failures = lines.filter((l) => l.includes('"status":500'));
    assert.equal(failures.length, 1);
    assert.match(failures[0] ?? '', /secret internals/, 'the log keeps the cause for operators');
    assert.match(failures[0] ?? '', new RegExp(`"requestId":"${boom.headers.get('x-request-id')}"`));

    const busy = await fetch(`http://127.0.0.1:${server.port}/v3/openmeter/busy`);
    assert.equal(busy.status, 503);
    assert.equal(busy.headers.get('retry-after'), '7');
    assert.equal((await busy.json()).type, 'https://kongapi.info/konnect/unavailable');

    const down = await fetch(`http://127.0.0.1:${server.port}/api/v1/down`);
    assert.equal(down.status, 503);
    assert.ok(!(await down.text()).includes('6379'));
  } finally {
    await server.close();
  }
});
