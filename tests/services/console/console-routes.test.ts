import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { Registry } from 'prom-client';
import { loadConfig } from '../../../core/config/config.js';
import { createHttpMetrics } from '../../../core/http/http-metrics.js';
import { createLogger } from '../../../services/compose/create-logger.js';
import { serveHttp, type HttpServer } from '../../../services/compose/serve-http.js';
import { createConsoleRoutes } from '../../../services/console/console-routes.js';
import { createApp } from '../../../services/http/create-app.js';

const indexHtml = '<!doctype html><title>Tally console</title><script type="module" src="/console/assets/index-AbCd1234.js"></script>';
let base: string;
let dir: string;
let server: HttpServer;
let missingServer: HttpServer;

async function serve(consoleDir: string) {
  const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });
  const app = createApp({ logger, metrics: createHttpMetrics({ registry: new Registry() }), routers: [createConsoleRoutes({ dir: consoleDir })] });
  return serveHttp({ app, port: 0, host: '127.0.0.1', graceMs: 200 });
}

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'tally-console-'));
  dir = join(base, 'console');
  await mkdir(join(dir, 'assets'), { recursive: true });
  await writeFile(join(dir, 'index.html'), indexHtml);
  await writeFile(join(dir, 'assets', 'index-AbCd1234.js'), 'console.log("tally")');
  await writeFile(join(dir, 'assets', 'index-Zz9_x-Y8.css'), 'body{}');
  await writeFile(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(join(base, 'outside-console.txt'), 'secret');
  server = await serve(dir);
  missingServer = await serve(join(dir, 'not-built'));
});

after(async () => {
  await server.close();
  await missingServer.close();
  await rm(base, { recursive: true, force: true });
});

const get = (path: string, init: RequestInit = {}, on = server) =>
  fetch(`http://127.0.0.1:${on.port}${path}`, { redirect: 'manual', ...init });

test('/console redirects to /console/, which serves index.html with a strict CSP and no-cache', async () => {
  const redirect = await get('/console');
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.get('location'), '/console/');

  const page = await get('/console/');
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(await page.text(), indexHtml);
  assert.equal(page.headers.get('cache-control'), 'no-cache');
  const csp = page.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
});

test('SPA fallback: page paths get index.html, including nested ones and query strings', async () => {
  for (const path of ['/console/events', '/console/customers/01J0000000000000000000000A', '/console/usage?meter=tokens']) {
    const response = await get(path);
    assert.equal(response.status, 200, path);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8', path);
    assert.equal(await response.text(), indexHtml, path);
  }
});

test('hashed assets: correct types, cached for a year as immutable; other files revalidated', async () => {
  const script = await get('/console/assets/index-AbCd1234.js');
  assert.equal(script.status, 200);
  assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal(await script.text(), 'console.log("tally")');
  const style = await get('/console/assets/index-Zz9_x-Y8.css');
  assert.equal(style.headers.get('content-type'), 'text/css; charset=utf-8');
  assert.equal(style.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  const icon = await get('/console/favicon.svg');
  assert.equal(icon.headers.get('content-type'), 'image/svg+xml');
  assert.equal(icon.headers.get('cache-control'), 'no-cache');
});

test('conditional GET answers 304; HEAD answers headers only', async () => {
  const first = await get('/console/assets/index-AbCd1234.js');
  const etag = first.headers.get('etag');
  assert.ok(etag, 'an ETag is sent');
  // fetch adds `Cache-Control: no-cache` to conditional requests, which rightly defeats freshness.
  const status = await new Promise<number | undefined>((resolve, reject) => {
    request({ port: server.port, host: '127.0.0.1', path: '/console/assets/index-AbCd1234.js', headers: { 'if-none-match': etag } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    }).on('error', reject).end();
  });
  assert.equal(status, 304);
  const head = await get('/console/', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(await head.text(), '');
});

test('a missing asset is a 404 problem, never index.html', async () => {
  const response = await get('/console/assets/gone-12345678.js');
  assert.equal(response.status, 404);
  assert.equal(response.headers.get('content-type'), 'application/problem+json');
  assert.match(((await response.json()) as { detail: string }).detail, /no console file \/console\/assets\/gone-12345678\.js/);
});

test('no path escapes the console directory', async () => {
  for (const path of ['/console/%2e%2e/outside-console.txt', '/console/..%2foutside-console.txt', '/console/assets/..%5c..%5coutside-console.txt', '/console/.hidden.txt', '/console/a%00.js']) {
    const response = await get(path);
    assert.equal(response.status, 404, path);
    assert.doesNotMatch(await response.text(), /secret/, path);
  }
  const malformed = await get('/console/%E0%A4%A.js');
  assert.equal(malformed.status, 400);
  assert.equal(malformed.headers.get('content-type'), 'application/problem+json');
});

test('writes are not routes: POST is a 404 problem', async () => {
  const response = await get('/console/', { method: 'POST', body: 'x' });
  assert.equal(response.status, 404);
  assert.equal(response.headers.get('content-type'), 'application/problem+json');
});

test('an unbuilt console says how to build it', async () => {
  const response = await get('/console/events', {}, missingServer);
  assert.equal(response.status, 404);
  assert.match(((await response.json()) as { detail: string }).detail, /the console is not built .*run make build/);
});

test('TALLY_CONSOLE_DIR: dist/console by default (what make build writes), any directory when set', () => {
  assert.equal(loadConfig({}).console.dir, 'dist/console');
  assert.equal(loadConfig({ TALLY_CONSOLE_DIR: ' /srv/tally/console ' }).console.dir, '/srv/tally/console');
});
