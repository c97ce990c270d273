import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { test } from 'node:test';
import Koa from 'koa';
import { serveHttp } from '../../../services/compose/serve-http.js';

const get = (port: number, agent: Agent) =>
  new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end();
  });

test('close() ends busy keep-alive connections after their in-flight response instead of waiting out the grace period', async () => {
  const app = new Koa();
  let release: () => void = () => {};
  let arrive: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  app.use(async (ctx) => {
    if (ctx.get('x-hold')) {
      arrive();
      await held;
    }
    ctx.body = 'ok';
  });
  const server = await serveHttp({ app, port: 0, host: '127.0.0.1', graceMs: 60_000 });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  assert.equal((await get(server.port, agent)).connection, 'keep-alive');
  const inFlight = new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: '/', agent, headers: { 'x-hold': '1' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end();
  });
  await arrived;
  const closed = server.close();
  release();
  const answer = await inFlight;
  assert.equal(answer.status, 200, 'the in-flight request finishes');
  assert.equal(answer.connection, 'close', 'and tells the client to go elsewhere');
  await closed;
  agent.destroy();
});
