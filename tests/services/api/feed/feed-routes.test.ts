import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FeedRecord } from '../../../../core/feed/feed-record.js';
import { useReadTestApp, type ReadTestApp } from '../query/read-test-app.js';

const app = useReadTestApp();
const alice = '01JAAAAAAAAAAAAAAAAAAAAAAA';
const bob = '01JBBBBBBBBBBBBBBBBBBBBBBB';

function record(n: number, extra: Partial<FeedRecord> = {}): FeedRecord {
  const minute = String(n).padStart(2, '0');
  return {
    event: { specversion: '1.0', id: `evt-${minute}`, source: n % 2 ? 'gw-a' : 'gw-b', type: 'llm', subject: 'alice', time: `2026-05-01T10:${minute}:00.000Z`, data: { tokens: n } },
    customerId: alice,
    validationErrors: [],
    ingestedAt: `2026-05-01T11:${minute}:00.000Z`,
    storedAt: `2026-05-01T11:${minute}:01.000Z`,
    ...extra,
  };
}

/** 30 records, oldest first: every 5th is bob's, every 7th is parked with two errors. */
async function seed(api: ReadTestApp) {
  if (api.feed.records.length > 0) return;
  const records = Array.from({ length: 30 }, (_, n) =>
    n % 7 === 3
      ? record(n, { customerId: undefined, event: { ...record(n).event, subject: 'ghost' }, validationErrors: ['no customer found for event subject: ghost', 'no meter found for event type: llm'] })
      : n % 5 === 0
        ? record(n, { customerId: bob, event: { ...record(n).event, subject: 'bob' } })
        : record(n),
  );
  await api.feed.append(records);
}

test('v1 feed: newest first, exact OpenMeter shape, validation messages joined with \\n', async () => {
  const api = app();
  await seed(api);
  const res = await api.call('GET', '/api/v1/events?limit=2');
  assert.equal(res.status, 200);
  const body = res.body as Record<string, unknown>[];
  assert.deepEqual(body.map((r) => (r.event as { id: string }).id), ['evt-29', 'evt-28']);
  assert.deepEqual(body[0], { event: record(29).event, customerId: alice, ingestedAt: '2026-05-01T11:29:00.000Z', storedAt: '2026-05-01T11:29:01.000Z' });
  const parked = (await api.call('GET', '/api/v1/events?subject=ghost&limit=1')).body as Record<string, unknown>[];
  assert.equal(parked[0]!.validationError, 'no customer found for event subject: ghost\nno meter found for event type: llm');
  assert.equal('customerId' in parked[0]!, false);
  assert.equal(((await api.call('GET', '/api/v1/events')).body as unknown[]).length, 30, 'default limit 100');
});

test('v1 feed filters: time ranges, ingestedAt, partial id, subject, customerId (repeatable), hasErrors', async () => {
  const api = app();
  await seed(api);
  const ids = async (query: string) => ((await api.call('GET', `/api/v1/events?${query}`)).body as { event: { id: string } }[]).map((r) => r.event.id);
  assert.deepEqual(await ids('from=2026-05-01T10:27:00Z'), ['evt-29', 'evt-28', 'evt-27']);
  assert.deepEqual(await ids('from=2026-05-01T10:01:00Z&to=2026-05-01T10:02:00Z'), ['evt-02', 'evt-01']);
  assert.deepEqual(await ids('ingestedAtFrom=2026-05-01T11:28:00Z&ingestedAtTo=2026-05-01T11:28:00Z'), ['evt-28']);
  assert.deepEqual(await ids('id=t-1&limit=3'), ['evt-19', 'evt-18', 'evt-17']);
  assert.deepEqual(await ids('subject=bob'), ['evt-25', 'evt-20', 'evt-15', 'evt-05', 'evt-00']);
  assert.deepEqual(await ids(`customerId=${bob}&limit=2`), ['evt-25', 'evt-20']);
  assert.equal((await ids(`customerId=${bob}&customerId=${alice}`)).length, 30 - 4);
  assert.deepEqual(await ids('hasErrors=true'), ['evt-24', 'evt-17', 'evt-10', 'evt-03']);
  assert.equal((await ids('hasErrors=false')).length, 26);
});

test('v1 feed: bad parameters are 400 problem+json naming them', async () => {
  const api = app();
  const cases: [string, RegExp][] = [
    ['limit=0', /limit: must be an integer from 1 to 100/],
    ['limit=101', /limit: must be an integer from 1 to 100/],
    ['limit=ten', /limit: must be an integer from 1 to 100/],
    ['from=yesterday', /from: must be an RFC 3339 date-time/],
    ['ingestedAtTo=2026-05-01', /ingestedAtTo: must be an RFC 3339 date-time/],
    ['from=2026-05-02T00:00:00Z&to=2026-05-01T00:00:00Z', /from: must not be after to/],
    ['customerId=alice', /customerId: must be customer ids \(ULIDs\), got "alice"/],
    ['hasErrors=yes', /hasErrors: must be true or false/],
    ['subject=a&subject=b', /subject: may be given only once/],
  ];
  for (const [query, detail] of cases) {
    const res = await api.call('GET', `/api/v1/events?${query}`);
    assert.equal(res.status, 400, query);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.match((res.body as { detail: string }).detail, detail, query);
  }
});

test('v3 feed: page[size] (default 20) and page[after] walk every record once, newest first, in the v3 shape', async () => {
  const api = app();
  await seed(api);
  for (const prefix of ['/v3/openmeter', '/api/v3/openmeter']) {
    const first = await api.call('GET', `${prefix}/events`);
    const page = first.body as { data: Record<string, unknown>[]; meta: { page: { size: number; next: string | null; previous: null } } };
    assert.equal(page.data.length, 20);
    assert.equal(page.meta.page.size, 20);
    assert.deepEqual(page.data[0], {
      event: record(29).event,
      customer: { id: alice },
      ingested_at: '2026-05-01T11:29:00.000Z',
      stored_at: '2026-05-01T11:29:01.000Z',
      validation_errors: [],
    });
    const seen: string[] = [];
    let next: string | null = `${prefix}/events?page%5Bsize%5D=7&filter%5Bsource%5D=gw-a`;
    while (next) {
      const res = (await api.call('GET', next)).body as typeof page;
      seen.push(...res.data.map((r) => (r.event as { id: string }).id));
      next = res.meta.page.next;
    }
    assert.deepEqual(seen, Array.from({ length: 15 }, (_, i) => `evt-${String(29 - 2 * i).padStart(2, '0')}`));
  }
});

test('v3 feed filters: subject, type, customer_id, time and ingested_at operators, has_errors', async () => {
  const api = app();
  await seed(api);
  const ids = async (query: string) => ((await api.call('GET', `/v3/openmeter/events?page[size]=100&${query}`)).body as { data: { event: { id: string } }[] }).data.map((r) => r.event.id);
  assert.deepEqual(await ids('filter[subject][eq]=bob'), ['evt-25', 'evt-20', 'evt-15', 'evt-05', 'evt-00']);
  assert.deepEqual(await ids('filter[subject]=bob&filter[time][gt]=2026-05-01T10:15:00Z'), ['evt-25', 'evt-20']);
  assert.deepEqual(await ids('filter[time][gte]=2026-05-01T10:28:00Z'), ['evt-29', 'evt-28']);
  assert.deepEqual(await ids('filter[time][lt]=2026-05-01T10:01:00Z'), ['evt-00']);
  assert.deepEqual(await ids('filter[ingested_at][eq]=2026-05-01T11:07:00Z'), ['evt-07']);
  assert.deepEqual(await ids('filter[id]=evt-07'), ['evt-07']);
  assert.deepEqual(await ids('filter[id][contains]=-2&filter[customer_id]=' + bob), ['evt-25', 'evt-20']);
  assert.deepEqual(await ids(`filter[customer_id][oeq]=${bob},${alice}&filter[time][lte]=2026-05-01T10:02:00Z`), ['evt-02', 'evt-01', 'evt-00']);
  assert.equal((await ids('filter[type]=other')).length, 0);
  const errors = (await api.call('GET', '/v3/openmeter/events?filter[has_errors]=true&page[size]=1')).body as { data: { validation_errors: unknown[] }[] };
  assert.deepEqual(errors.data[0]!.validation_errors, [
    { code: 'validation_error', message: 'no customer found for event subject: ghost' },
    { code: 'validation_error', message: 'no meter found for event type: llm' },
  ]);
  assert.deepEqual(await ids('sort=time'), await ids('sort=stored_at%20desc'));
});

test('v3 feed: unsupported filters, sorts and page parameters are 400 in the v3 shape', async () => {
  const api = app();
  const cases: [string, string][] = [
    ['page[size]=0', 'page[size]'],
    ['page[size]=500', 'page[size]'],
    ['page[before]=x', 'page[before]'],
    ['filter[subject][contains]=al', 'filter[subject][contains]'],
    ['filter[stored_at][gte]=2026-05-01T00:00:00Z', 'filter[stored_at][gte]'],
    ['filter[time][gte]=soon', 'filter[time][gte]'],
    ['filter[has_errors]=maybe', 'filter[has_errors]'],
    ['sort=time%20asc', 'sort'],
    ['sort=subject', 'sort'],
  ];
  for (const [query, field] of cases) {
    const res = await api.call('GET', `/v3/openmeter/events?${query}`);
    assert.equal(res.status, 400, query);
    const problem = res.body as { type: string; invalid_parameters: { field: string }[] };
    assert.equal(problem.type, 'https://kongapi.info/konnect/bad-request');
    assert.deepEqual(problem.invalid_parameters.map((p) => p.field), [field], query);
  }
});

test('security: every feed route answers 401 without a token and 403 without the read scope', async () => {
  const api = app();
  for (const path of ['/api/v1/events', '/v3/openmeter/events', '/api/v3/openmeter/events']) {
    assert.equal((await api.call('GET', path, { token: null })).status, 401, path);
    assert.equal((await api.call('GET', path, { token: 'bogus-token' })).status, 401, path);
    assert.equal((await api.call('GET', path, { token: api.ingestToken })).status, 403, path);
    assert.equal((await api.call('GET', path, { token: api.readToken })).status, 200, path);
  }
});

test('fuzz: any mix of feed parameters and junk values is answered with 200 or a 4xx problem, never a 5xx', async () => {
  const api = app();
  await seed(api);
  const names = ['from', 'to', 'ingestedAtFrom', 'ingestedAtTo', 'id', 'subject', 'customerId', 'limit', 'hasErrors', 'type', 'page[size]', 'page[after]', 'page[before]', 'filter[subject]', 'filter[subject][eq]', 'filter[time][gte]', 'filter[time][x]', 'filter[customer_id][oeq]', 'filter[has_errors]', 'filter[nope]', 'filter', 'page', 'sort'];
  const values = ['', 'x', '0', '1', '100', '101', '-1', 'true', 'false', '2026-05-01T10:00:00Z', '2026-05-01', alice, `${alice},${bob}`, 'time desc', 'time asc', 'MTIz', '%', '\u0000'];
  let seed2 = 7;
  const pick = <T>(list: readonly T[]) => list[(seed2 = (seed2 * 16807) % 2147483647) % list.length]!;
  for (let i = 0; i < 150; i++) {
    const params = new URLSearchParams();
    for (let n = 0; n < 1 + (i % 4); n++) params.append(pick(names), pick(values));
    for (const path of ['/api/v1/events', '/v3/openmeter/events']) {
      const res = await api.call('GET', `${path}?${params}`);
      assert.ok(res.status === 200 || (res.status >= 400 && res.status < 500), `${path}?${params}: ${res.status} ${res.text}`);
    }
  }
});
