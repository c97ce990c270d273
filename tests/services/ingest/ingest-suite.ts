import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { LogRecord } from '../../../core/events/cloud-event.js';
import type { EventLog } from '../../../core/log/event-log.js';
import { eventually } from '../../support/eventually.js';
import { event, ingestPaths, post, startIngestHarness, type IngestHarness } from '../../support/ingest-harness.js';
import { startRedis, type TestRedis } from '../../support/redis-server.js';

/** A log adapter under test, with a way to read back what it holds and to take it down. */
export interface LogUnderTest {
  log: EventLog;
  /** Every record in the log, in order. */
  read(): Promise<LogRecord[]>;
  takeDown(): Promise<void>;
  bringUp(): Promise<void>;
  close(): Promise<void>;
}

/** The ingest behaviour every log adapter must give; run once per adapter. */
export function ingestSuite(name: string, createLog: (redis: TestRedis) => Promise<LogUnderTest>): void {
  describe(`ingest over ${name}`, () => {
    let redis: TestRedis;
    let logUnderTest: LogUnderTest;
    let app: IngestHarness;
    const idsInLog = async () => (await logUnderTest.read()).map((r) => r.event.id);
    /**
     * Proves none of `ids` reached the log: a marker of the same subject (so
     * the same Kafka partition) is sent after them, and once the marker can
     * be read, anything published before it could be read too.
     */
    const assertNotPublished = async (ids: readonly unknown[], subject = 'customer-1') => {
      const marker = event({ subject });
      assert.equal((await post(app.url + '/v3/openmeter/events', [marker], { token: app.ingestToken })).status, 202);
      await eventually(async () => assert.ok((await idsInLog()).includes(marker.id as string), 'marker published'));
      const logged = new Set(await idsInLog());
      for (const id of ids) assert.ok(!logged.has(id as string), `${String(id)} must not be in the log`);
    };

    before(async () => {
      redis = await startRedis();
      logUnderTest = await createLog(redis);
      app = await startIngestHarness({
        redisUrl: redis.url,
        log: logUnderTest.log,
        env: {
          TALLY_PUBLISH_TIMEOUT_MS: '1500',
          TALLY_MAX_BODY_BYTES: '16384',
          TALLY_MAX_EVENTS_PER_REQUEST: '20',
          TALLY_MAX_EVENT_BYTES: '2048',
          TALLY_MAX_JSON_DEPTH: '8',
        },
      });
    });
    after(async () => {
      await app.close();
      await logUnderTest.close();
      await redis.stop();
    });

    test('every path and content type is accepted and the events land in the log as sent (normalized)', async () => {
      const sent: Record<string, unknown>[] = [];
      for (const path of ingestPaths) {
        const expected = path === '/api/v1/events' ? 204 : 202;
        const one = event({ time: '2026-05-01T14:00:00.5+02:00' });
        const batch = [event(), event({ data: null })];
        const asJsonObject = event();
        const asJsonArray = [event()];
        for (const [body, contentType] of [
          [one, 'application/cloudevents+json'],
          [batch, 'application/cloudevents-batch+json; charset=utf-8'],
          [asJsonObject, 'application/json'],
          [asJsonArray, 'Application/JSON;charset="UTF-8"'],
        ] as const) {
          const res = await post(app.url + path, body, { token: app.ingestToken, contentType });
          assert.equal(res.status, expected, `${path} ${contentType}`);
          assert.equal(await res.text(), '');
          sent.push(...(Array.isArray(body) ? body : [body]));
        }
      }
      const records = await eventually(async () => {
        const all = await logUnderTest.read();
        const mine = all.filter((r) => sent.some((s) => s.id === r.event.id));
        assert.equal(mine.length, sent.length);
        return mine;
      });
      const first = records.find((r) => r.event.id === sent[0]?.id);
      assert.equal(first?.event.time, '2026-05-01T12:00:00.500Z');
      assert.equal(first?.namespace, 'default');
      assert.match(first?.ingestedAt ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const nullData = records.find((r) => r.event.id === (sent[2] as { id: string }).id);
      assert.equal(nullData?.event.data, null);
    });

    test('events sent as formatted JSON land as their normalized form, whether or not normalization changed them', async () => {
      const { data: _data, ...withoutData } = event();
      const events = [event({ data: { n: 1.5e3, s: 'caf\u00e9 ☕', nested: { a: [1, 2] } } }), withoutData, event({ time: '2026-05-01T12:00:00Z' })];
      const body = `[\n  ${events.map((e) => JSON.stringify(e, null, 2)).join(' ,\n  ')}\n]\n`;
      assert.equal((await post(app.url + '/v3/openmeter/events', body, { token: app.ingestToken, contentType: 'application/cloudevents-batch+json' })).status, 202);
      const records = await eventually(async () => {
        const all = await logUnderTest.read();
        const mine = events.map((e) => all.find((r) => r.event.id === e.id));
        assert.ok(mine.every((r) => r !== undefined), 'all three events in the log');
        return mine as LogRecord[];
      });
      assert.deepEqual(records[0]?.event, events[0]);
      assert.deepEqual(records[1]?.event, { ...withoutData, data: null });
      assert.deepEqual(records[2]?.event, { ...events[2], time: '2026-05-01T12:00:00.000Z' });
    });

    test('missing time becomes the ingest time in UTC', async () => {
      const { time: _time, ...withoutTime } = event();
      const before = Date.now();
      assert.equal((await post(app.url + '/api/v1/events', [withoutTime], { token: app.ingestToken })).status, 204);
      const record = await eventually(async () => {
        const found = (await logUnderTest.read()).find((r) => r.event.id === withoutTime.id);
        assert.ok(found, `${String(withoutTime.id)} in the log`);
        return found;
      });
      const time = Date.parse(record.event.time);
      assert.ok(time >= before - 1000 && time <= Date.now() + 1000, `ingest time ${record.event.time} is now`);
      assert.ok(record.event.time.endsWith('Z'), 'stored in UTC');
    });

    test('an empty cloudevents batch is a no-op success; an empty application/json array is 400', async () => {
      assert.equal((await post(app.url + '/v3/openmeter/events', [], { token: app.ingestToken })).status, 202);
      const res = await post(app.url + '/api/v1/events', [], { token: app.ingestToken, contentType: 'application/json' });
      assert.equal(res.status, 400);
      assert.match((await res.json()).detail, /no events found/);
    });

    test('one bad event rejects the whole batch and nothing of it is published', async () => {
      const batch = [event(), event(), event({ subject: '' }), event()];
      const res = await post(app.url + '/v3/openmeter/events', batch, { token: app.ingestToken });
      assert.equal(res.status, 400);
      const problem = await res.json();
      assert.deepEqual(problem.invalid_parameters.map((p: { field: string }) => p.field), ['[2].subject']);
      // A later good request proves the log is read past the point where the bad batch would be.
      const marker = event();
      assert.equal((await post(app.url + '/v3/openmeter/events', [marker], { token: app.ingestToken })).status, 202);
      await eventually(async () => assert.ok((await idsInLog()).includes(marker.id as string), 'marker published'));
      const ids = await idsInLog();
      for (const e of batch) assert.ok(!ids.includes(e.id as string), `${String(e.id)} must not be in the log`);
    });

    test('auth on every ingest path: missing, malformed, lowercase scheme, unknown, revoked -> 401; wrong scope -> 403; nothing published', async () => {
      const revoked = await app.tokens.create({ name: 'revoked', scopes: ['ingest'] });
      await app.tokens.revoke(revoked.info.id);
      const refused: unknown[] = [];
      for (const path of ingestPaths) {
        const cases: Array<[Record<string, string>, number]> = [
          [{}, 401],
          [{ authorization: `bearer ${app.ingestToken}` }, 401],
          [{ authorization: `Bearer  ${app.ingestToken}` }, 401],
          [{ authorization: 'Bearer tly_unknown' }, 401],
          [{ authorization: `Bearer ${revoked.token}` }, 401],
          [{ authorization: `Bearer ${app.readToken}` }, 403],
        ];
        for (const [headers, status] of cases) {
          const e = event();
          const res = await post(app.url + path, [e], { headers });
          assert.equal(res.status, status, `${path} ${JSON.stringify(headers).replace(/tly_[\w-]+/, 'tly_…')}`);
          assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
          if (status === 401) assert.equal(res.headers.get('www-authenticate'), 'Bearer');
          refused.push(e.id);
        }
      }
      await assertNotPublished(refused);
    });

    test('limits: body, events per request, event size, nesting depth -> 413/400 and nothing published', async () => {
      const big = Array.from({ length: 12 }, () => event({ data: { pad: 'x'.repeat(1500) } }));
      const tooMany = Array.from({ length: 21 }, () => event());
      const oneTooLarge = [event(), event({ data: { pad: 'x'.repeat(2100) } })];
      const tooDeep = [event({ data: { a: { b: { c: { d: { e: { f: { g: { h: 1 } } } } } } } } })];
      const cases: Array<[string, Record<string, unknown>[], number, RegExp]> = [
        ['body', big, 413, /exceeds 16384 bytes/],
        ['events per request', tooMany, 413, /too many events/],
        ['event size', oneTooLarge, 413, /index 1/],
        ['depth', tooDeep, 400, /depth|nest/i],
      ];
      for (const [name, batch, status, detail] of cases) {
        const res = await post(app.url + '/api/v1/events', batch, { token: app.ingestToken });
        assert.equal(res.status, status, name);
        assert.match((await res.json()).detail, detail, name);
      }
      await assertNotPublished(cases.flatMap(([, batch]) => batch.map((e) => e.id)));
    });

    test('duplicates are accepted (2xx) every time', async () => {
      const dup = event();
      for (let i = 0; i < 3; i++) {
        assert.equal((await post(app.url + '/api/v1/events', [dup], { token: app.ingestToken })).status, 204);
      }
      assert.equal((await post(app.url + '/api/v1/events', [dup, dup], { token: app.ingestToken })).status, 204);
      await eventually(async () => assert.equal((await idsInLog()).filter((id) => id === dup.id).length, 5));
    });

    test('gzip bodies are inflated', async () => {
      const e = event();
      const res = await post(app.url + '/api/v1/events', gzipSync(JSON.stringify([e])), {
        token: app.ingestToken,
        headers: { 'content-encoding': 'gzip' },
      });
      assert.equal(res.status, 204);
      await eventually(async () => assert.ok((await idsInLog()).includes(e.id as string), 'the inflated event is in the log'));
    });

    test('log unreachable: 503 + Retry-After within the bound; after recovery every acknowledged event is in the log as sent', async () => {
      const acknowledged: Record<string, unknown>[] = [];
      const send = async () => {
        const e = event({ subject: `s-${acknowledged.length % 3}` });
        const res = await post(app.url + '/v3/openmeter/events', [e], { token: app.ingestToken });
        if (res.status === 202) acknowledged.push(e);
        return res;
      };
      for (let i = 0; i < 5; i++) assert.equal((await send()).status, 202);
      await logUnderTest.takeDown();
      const res = await eventually(async () => {
        const r = await send();
        assert.equal(r.status, 503);
        return r;
      }, { timeoutMs: 20_000 });
      assert.ok(Number(res.headers.get('retry-after')) > 0, 'Retry-After on the 503');
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.match((await res.json()).type, /unavailable$/);
      const ready = await fetch(app.url + '/readyz');
      assert.equal(ready.status, 503);
      await logUnderTest.bringUp();
      await eventually(async () => assert.equal((await send()).status, 202), { timeoutMs: 30_000 });
      for (let i = 0; i < 5; i++) assert.equal((await send()).status, 202);
      await eventually(async () => {
        const records = await logUnderTest.read();
        for (const sent of acknowledged) {
          const found = records.find((r) => r.event.id === sent.id);
          assert.ok(found, `acknowledged ${String(sent.id)} missing from the log`);
          assert.deepEqual(found.event, { ...sent, time: new Date(sent.time as string).toISOString() });
        }
      }, { timeoutMs: 20_000 });
      assert.equal((await fetch(app.url + '/readyz')).status, 200);
    });
  });
}
