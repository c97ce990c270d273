import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readBody } from '../../../core/http/read-body.js';
import { TallyError } from '../../../core/http/tally-error.js';

// Far beyond any test's run time: a reader that settles did so because it saw the client go, not the timer.
const limits = { maxBodyBytes: 1024, bodyTimeoutMs: 600_000 };

/** A server whose handler hands each request to `onRequest`; answers 200 with what it read, or the error code. */
async function serve(onRequest: (req: IncomingMessage) => Promise<string>): Promise<{ server: Server; port: number; outcomes: Promise<string>[] }> {
  const outcomes: Promise<string>[] = [];
  const server = createServer((req, res) => {
    const outcome = onRequest(req).catch((error: unknown) => (error instanceof TallyError ? `${error.code}: ${error.message}` : String(error)));
    outcomes.push(outcome);
    void outcome.then((text) => {
      if (!res.destroyed) res.end(text);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, outcomes };
}

/** Sends the head and part of a body, then drops the connection. */
async function abortMidBody(port: number): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[{"id":');
  await new Promise((resolve) => setTimeout(resolve, 20)); // let the server parse the head before the reset
  socket.destroy();
}

// The timeout turns a regression (a reader waiting for events that never come) into a failure rather than a stall.
test('a body read that starts after the client went away rejects at once', { timeout: 10_000 }, async () => {
  const { server, port, outcomes } = await serve(async (req) => {
    req.on('error', () => undefined); // the abort; what matters is what readBody says afterwards
    if (!req.destroyed) await new Promise((resolve) => req.once('close', resolve));
    return readBody(req, limits);
  });
  await abortMidBody(port);
  while (outcomes.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(await outcomes[0], 'BAD_REQUEST: request body was not received completely');
  server.close();
});

test('a client going away during the read rejects it (plain and gzip)', async () => {
  for (const gzip of [false, true]) {
    const { server, port, outcomes } = await serve((req) => readBody(req, limits));
    if (gzip) {
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      const body = gzipSync('[{"id":"x"}]');
      socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: ${body.length + 50}\r\n\r\n`);
      socket.write(body.subarray(0, 5));
      await new Promise((resolve) => setTimeout(resolve, 20));
      socket.destroy();
    } else {
      await abortMidBody(port);
    }
    while (outcomes.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.match(await outcomes[0] ?? '', /^BAD_REQUEST: request body (was not received completely|is not valid gzip)/, gzip ? 'gzip' : 'plain');
    server.close();
  }
});

test('closing the server is not held up by a dead request', async () => {
  const { server, port, outcomes } = await serve((req) => readBody(req, limits));
  await abortMidBody(port);
  while (outcomes.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  const closed = once(server, 'close');
  server.close();
  await closed;
  assert.match(await outcomes[0] ?? '', /^BAD_REQUEST/);
});

test('complete bodies, plain and gzip, are read whole', async () => {
  const { server, port } = await serve((req) => readBody(req, limits));
  const url = `http://127.0.0.1:${port}/`;
  assert.equal(await (await fetch(url, { method: 'POST', body: '[{"id":"a"}]' })).text(), '[{"id":"a"}]');
  const gz = await fetch(url, { method: 'POST', body: gzipSync('[{"id":"b"}]'), headers: { 'content-encoding': 'gzip' } });
  assert.equal(await gz.text(), '[{"id":"b"}]');
  server.closeAllConnections();
  server.close();
});

/** Sends `request` in one write, so that the server parses head and body together; resolves with the response text. */
async function sendWhole(port: number, request: string | Buffer): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.end(request);
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

test('a body that arrived with its head is read from the parser’s buffer, with the same limits and checks', async () => {
  const { server, port } = await serve(async (req) => {
    // As in Koa, where the handler runs after the middleware's first await: by then the parser has pushed the body.
    await null;
    let streamed = false;
    const on = req.on.bind(req);
    req.on = ((event: string, listener: (...args: unknown[]) => void) => {
      if (event === 'data') streamed = true;
      return on(event, listener);
    }) as typeof req.on;
    const text = await readBody(req, limits);
    return `${streamed ? 'streamed' : 'buffered'}:${text}`;
  });
  const head = 'POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n';
  const chunked = (...parts: string[]) => `${head}Transfer-Encoding: chunked\r\n\r\n${parts.map((p) => `${Buffer.byteLength(p).toString(16)}\r\n${p}\r\n`).join('')}0\r\n\r\n`;
  assert.match(await sendWhole(port, `${head}Content-Length: 12\r\n\r\n[{"id":"a"}]`), /\r\n\r\nbuffered:\[\{"id":"a"\}\]$/);
  assert.match(await sendWhole(port, chunked('[{"id":', '"é"}]')), /:\[\{"id":"é"\}\]$/, 'several chunks, multi-byte text');
  assert.match(await sendWhole(port, `${head}Content-Length: 0\r\n\r\n`), /\r\n\r\n(buffered|streamed):$/, 'an empty body');
  assert.match(await sendWhole(port, chunked('x'.repeat(600), 'y'.repeat(600))), /PAYLOAD_TOO_LARGE: request body exceeds 1024 bytes$/, 'over the limit without a declared length');
  const invalidUtf8 = Buffer.concat([Buffer.from(`${head}Content-Length: 2\r\n\r\n`), Buffer.from([0xff, 0xfe])]);
  assert.match(await sendWhole(port, invalidUtf8), /BAD_REQUEST: request body is not valid UTF-8$/);
  server.close();
});
