import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { loadConfig } from '../../core/config/config.js';
import { createLogger } from '../../services/compose/create-logger.js';
import { allRouters } from '../../services/compose/create-routers.js';
import { createRuntime, type Runtime } from '../../services/compose/create-runtime.js';
import { serveHttp, type HttpServer } from '../../services/compose/serve-http.js';
import { createApp } from '../../services/http/create-app.js';
import { rawRequest } from '../support/raw-request.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { createReliabilitySummary } from '../support/reliability-summary.js';

const summary = createReliabilitySummary('api-bad-input');
const ingestPaths = new Set(['/api/v1/events', '/v3/openmeter/events', '/api/v3/openmeter/events']);
const maxBodyBytes = 256 * 1024;

/** Bodies no JSON route may take: each must be a 4xx problem+json, never a 5xx. */
const badBodies: ReadonlyArray<{ name: string; body: string | Buffer; contentType?: string; headers?: Record<string, string> }> = [
  { name: 'malformed JSON', body: '{"name":' },
  { name: 'empty body', body: '' },
  { name: 'JSON array', body: '[]' },
  { name: 'JSON string', body: '"meter"' },
  { name: 'JSON null', body: 'null' },
  { name: 'nested 10,000 deep', body: `{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}` },
  { name: '__proto__ key', body: '{"__proto__":{"admin":true},"name":"x"}' },
  { name: 'number beyond the double range', body: '{"name":"x","n":1e400}' },
  { name: 'invalid UTF-8', body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]) },
  { name: 'over the body limit', body: `{"name":"${'x'.repeat(maxBodyBytes)}"}` },
  { name: 'gzip bomb', body: gzipSync(Buffer.alloc(maxBodyBytes * 40, 0x20)), headers: { 'content-encoding': 'gzip' } },
  { name: 'wrong types everywhere', body: '{"slug":1,"name":[],"aggregation":{},"eventType":null,"key":true,"usageAttribution":"x","scopes":5,"from":7}' },
  { name: 'text/plain', body: '{"name":"x"}', contentType: 'text/plain' },
  { name: 'no content type', body: '{"name":"x"}', contentType: '' },
];

/** Every route of the app that takes a JSON body (taken from the routers), fed bodies no route may take. */
describe('bad bodies on every JSON route', () => {
  let redis: TestRedis;
  let runtime: Runtime;
  let server: HttpServer;
  let routes: Array<{ method: string; path: string }> = [];
  const adminToken = `tly_api_bad_input_${process.pid}_admin`;

  before(async () => {
    redis = await startRedis();
    const config = loadConfig({ REDIS_URL: redis.url, TALLY_REDIS_PREFIX: `abi${process.pid}:`, TALLY_ADMIN_TOKEN: adminToken, TALLY_MAX_BODY_BYTES: String(maxBodyBytes) });
    const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });
    runtime = await createRuntime({ config, logger });
    const routers = allRouters(runtime);
    routes = routers.flatMap((router) =>
      router.stack.flatMap((layer) => layer.methods.filter((m) => m === 'POST' || m === 'PUT' || m === 'PATCH').map((method) => ({ method, path: String(layer.path) }))),
    ).filter((r) => !ingestPaths.has(r.path));
    server = await serveHttp({ app: createApp({ logger, metrics: runtime.metrics, routers }), port: 0, host: '127.0.0.1', graceMs: 500 });
  });
  after(async () => {
    summary.write();
    await server.close();
    await runtime.close();
    await redis.stop();
  });

  test('each bad body gets a 4xx problem+json on every route that takes a body', () =>
    summary.track('bad-input', 'bad JSON bodies on every API route that takes one (4xx, never 5xx)', async () => {
      assert.ok(routes.length >= 5, `only ${routes.length} routes take a body`);
      let checks = 0;
      for (const route of routes) {
        for (const bad of badBodies) {
          const headers: Record<string, string> = { authorization: `Bearer ${adminToken}`, ...bad.headers };
          if (bad.contentType !== '') headers['content-type'] = bad.contentType ?? 'application/json';
          const path = route.path.replace(/:(\w+)/g, 'sample-$1');
          const res = await rawRequest(`http://127.0.0.1:${server.port}${path}`, { method: route.method, headers, body: bad.body });
          const where = `${route.method} ${route.path} with ${bad.name}: ${res.status} ${res.text.slice(0, 160)}`;
          assert.ok(res.status >= 400 && res.status < 500, where);
          assert.match(String(res.headers['content-type']), /^application\/problem\+json/, where);
          checks++;
        }
      }
      assert.equal((await rawRequest(`http://127.0.0.1:${server.port}/healthz`, { method: 'GET' })).status, 200);
      return { routes: routes.length, cases: badBodies.length, checks };
    }));
});
