import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { event, ingestPaths, post, startIngestHarness, type IngestHarness } from '../../support/ingest-harness.js';
import { createMemoryEventLog } from '../../support/memory-event-log.js';
import { startRedis, type TestRedis } from '../../support/redis-server.js';

/** The shared security suite, run against every ingest route. */
describe('ingest auth', () => {
  let redis: TestRedis;
  let app: IngestHarness;
  const log = createMemoryEventLog();
  before(async () => {
    redis = await startRedis();
    app = await startIngestHarness({ redisUrl: redis.url, log });
  });
  after(async () => {
    await app.close();
    await redis.stop();
  });

  for (const path of ingestPaths) {
    describe(path, () => {
      const unauthenticated = async (headers: Record<string, string>, detail: RegExp) => {
        const before = log.records.length;
        const res = await post(app.url + path, [event()], { headers });
        assert.equal(res.status, 401);
        assert.equal(res.headers.get('www-authenticate'), 'Bearer');
        const problem = await res.json();
        assert.equal(problem.status, 401);
        assert.match(problem.detail, detail);
        assert.equal(log.records.length, before, 'nothing published');
      };

      test('missing token -> 401', () => unauthenticated({}, /missing Authorization/));
      for (const header of ['Bearer', 'Bearer ', 'Bearer  abc', 'Basic dXNlcjpwYXNz', 'Bearer a b', 'Bearer a\tb', 'Bearer\tabc', 'Token abc', 'Bearer abc,def']) {
        test(`malformed ${JSON.stringify(header)} -> 401`, () => unauthenticated({ authorization: header }, /malformed|missing/));
      }
      test('unknown token -> 401', () => unauthenticated({ authorization: 'Bearer tly_unknown' }, /unknown or revoked/));

      test('revoked token -> 401 at once', async () => {
        const created = await app.tokens.create({ name: 'short-lived', scopes: ['ingest'] });
        assert.equal((await post(app.url + path, [event()], { token: created.token })).status < 300, true);
        assert.equal(await app.tokens.revoke(created.info.id), true);
        await unauthenticated({ authorization: `Bearer ${created.token}` }, /unknown or revoked/);
      });

      test('token without the ingest scope -> 403', async () => {
        const res = await post(app.url + path, [event()], { token: app.readToken });
        assert.equal(res.status, 403);
        assert.match((await res.json()).detail, /"ingest" scope/);
      });

      test('the scheme is exactly "Bearer": lowercase or uppercase -> 401 malformed', async () => {
        for (const scheme of ['bearer', 'BEARER', 'bEARER']) {
          await unauthenticated({ authorization: `${scheme} ${app.ingestToken}` }, /malformed.*exactly "Bearer"/);
        }
      });

      test('whitespace inside the token -> 401 malformed', async () => {
        const [head = '', tail = ''] = [app.ingestToken.slice(0, 8), app.ingestToken.slice(8)];
        for (const token of [`${head} ${tail}`, `${head}\t${tail}`, ` ${app.ingestToken}`]) {
          await unauthenticated({ authorization: `Bearer ${token}` }, /malformed/);
        }
      });

      test('Authorization sent twice -> 401, even when both carry the valid token', async () => {
        const before = log.records.length;
        const res = await postWithHeaderLines(app.url + path, [event()], [`Bearer ${app.ingestToken}`, `Bearer ${app.ingestToken}`]);
        assert.equal(res.status, 401);
        assert.equal(res.headers['www-authenticate'], 'Bearer');
        assert.match(JSON.parse(res.body).detail, /more than once/);
        assert.equal(log.records.length, before, 'nothing published');
      });

      test('ingest and admin tokens are accepted; responses are not cached', async () => {
        for (const token of [app.ingestToken, app.adminToken]) {
          const res = await post(app.url + path, [event()], { token });
          assert.ok(res.status === 202 || res.status === 204, `got ${res.status}`);
          assert.equal(res.headers.get('cache-control'), 'no-store');
        }
      });
    });
  }
});

/** fetch folds repeated headers into one; node:http sends an array value as separate header lines. */
function postWithHeaderLines(url: string, body: unknown, authorization: string[]): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/cloudevents-batch+json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.setHeader('authorization', authorization);
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
