import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { event, post, startIngestHarness, type IngestHarness } from '../../support/ingest-harness.js';
import { createMemoryEventLog } from '../../support/memory-event-log.js';
import { startRedis, type TestRedis } from '../../support/redis-server.js';

describe('ingest errors and limits', () => {
  let redis: TestRedis;
  let app: IngestHarness;
  const log = createMemoryEventLog();
  before(async () => {
    redis = await startRedis();
    app = await startIngestHarness({
      redisUrl: redis.url,
      log,
      env: {
        TALLY_MAX_BODY_BYTES: '4096',
        TALLY_MAX_EVENTS_PER_REQUEST: '5',
        TALLY_MAX_JSON_DEPTH: '6',
        TALLY_MAX_EVENT_BYTES: '1024',
        TALLY_BODY_TIMEOUT_MS: '300',
      },
    });
  });
  after(async () => {
    await app.close();
    await redis.stop();
  });
  const send = (path: string, body: unknown, options: Parameters<typeof post>[2] = {}) =>
    post(app.url + path, body, { token: app.ingestToken, ...options });

  test('v3 paths answer the v3 problem shape with invalid_parameters; instance is the request id', async () => {
    const res = await send('/v3/openmeter/events', [event(), event({ time: 'noon', data: 'x' })], { headers: { 'x-request-id': 'req-42' } });
    assert.equal(res.status, 400);
    assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(res.headers.get('x-request-id'), 'req-42');
    const problem = await res.json();
    assert.equal(problem.type, 'https://kongapi.info/konnect/bad-request');
    assert.equal(problem.title, 'Bad Request');
    assert.equal(problem.instance, 'urn:request:req-42');
    assert.deepEqual(
      problem.invalid_parameters.map((p: { field: string; source: string }) => [p.field, p.source]),
      [['[1].time', 'body'], ['[1].data', 'body']],
    );
  });

  test('v1 path answers the v1 problem shape, naming index and field in detail', async () => {
    const res = await send('/api/v1/events', [event({ subject: '' })]);
    const problem = await res.json();
    assert.equal(res.status, 400);
    assert.equal(problem.type, 'about:blank');
    assert.match(problem.detail, /^invalid event: subject: must be a non-empty string/);
    assert.match(problem.instance, /^urn:request:[0-9a-f-]{36}$/);
    assert.equal(problem.instance, `urn:request:${res.headers.get('x-request-id')}`);
  });

  const cases: Array<[string, () => Promise<Response>, number, RegExp]> = [
    ['unsupported content type', () => send('/api/v1/events', [event()], { contentType: 'text/plain' }), 415, /unsupported Content-Type/],
    ['missing content type', () => send('/api/v1/events', JSON.stringify([event()]), { contentType: '' }), 415, /unsupported Content-Type/],
    ['body too large', () => send('/api/v1/events', 'x'.repeat(5000)), 413, /exceeds 4096 bytes/],
    ['too many events', () => send('/api/v1/events', Array.from({ length: 6 }, () => event())), 413, /too many events: 6/],
    ['one event too large', () => send('/api/v1/events', [event(), event({ data: { s: 'x'.repeat(1100) } })]), 413, /index 1/],
    ['nesting too deep', () => send('/api/v1/events', [event({ data: { a: { b: { c: { d: {} } } } } })]), 400, /nesting deeper than 6/],
    ['malformed JSON', () => send('/api/v1/events', '[{"id":'), 400, /malformed JSON/],
    ['invalid UTF-8', () => send('/api/v1/events', Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x5d])), 400, /not valid UTF-8/],
    ['__proto__ key', () => send('/api/v1/events', '[{"__proto__":{"admin":true}}]'), 400, /__proto__/],
    ['empty body', () => send('/api/v1/events', ''), 400, /empty/],
    ['unsupported encoding', () => send('/api/v1/events', '[]', { headers: { 'content-encoding': 'br' } }), 415, /Content-Encoding/],
    ['corrupt gzip', () => send('/api/v1/events', Buffer.from('not gzip'), { headers: { 'content-encoding': 'gzip' } }), 400, /gzip/],
    [
      'gzip inflating beyond the body limit',
      () => send('/api/v1/events', gzipSync(' '.repeat(100_000)), { headers: { 'content-encoding': 'gzip' } }),
      413,
      /exceeds 4096/,
    ],
  ];
  for (const [name, request, status, detail] of cases) {
    test(`${name} -> ${status} problem+json, nothing published`, async () => {
      const before = log.records.length;
      const res = await request();
      assert.equal(res.status, status);
      const problem = await res.json();
      assert.equal(problem.status, status);
      assert.match(problem.detail, detail);
      assert.equal(log.records.length, before);
    });
  }

  test('a body that stops arriving gets 408 and the request ends', async () => {
    const port = Number(new URL(app.url).port);
    const response = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          `POST /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${app.ingestToken}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n[{"id":',
        );
      });
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    assert.match(response, /^HTTP\/1\.1 408/);
    assert.match(response, /not received within 300 ms/);
  });

  test('unknown routes are 404 problem+json', async () => {
    const res = await fetch(`${app.url}/api/v1/nothing`);
    assert.equal(res.status, 404);
    assert.equal((await res.json()).status, 404);
    const v3 = await fetch(`${app.url}/v3/openmeter/nothing`);
    assert.equal((await v3.json()).type, 'https://kongapi.info/konnect/not-found');
  });

  test('no framework fingerprint headers', async () => {
    const res = await send('/api/v1/events', [event()]);
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('x-powered-by'), null);
    assert.equal(res.headers.get('server'), null);
  });

  test('/metrics counts accepted and rejected events by reason', async () => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    assert.match(text, /tally_events_accepted_total\{api="v1"\} [1-9]/);
    assert.match(text, /tally_events_rejected_total\{api="v1",reason="payload_too_large"\} [1-9]/);
    assert.match(text, /tally_events_rejected_total\{api="v3",reason="bad_request"\} 2/);
    assert.match(text, /tally_http_request_duration_seconds_bucket/);
    assert.match(text, /tally_log_publish_duration_seconds_count\{outcome="ok"\} [1-9]/);
    assert.match(text, /tally_http_requests_total\{method="POST",route="\/api\/v1\/events",status="413"\}/);
  });

  test('/healthz and /readyz', async () => {
    assert.equal((await fetch(`${app.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${app.url}/readyz`)).status, 200);
    await redis.stop();
    try {
      const res = await fetch(`${app.url}/readyz`);
      assert.equal(res.status, 503);
      assert.match((await res.json()).detail, /redis/);
      // The token store is down too: auth cannot be decided, so 503, not 401.
      const ingest = await send('/api/v1/events', [event()]);
      assert.equal(ingest.status, 503);
      assert.ok(ingest.headers.get('retry-after'));
    } finally {
      await redis.restart();
    }
  });
});
