import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useReadTestApp } from './read-test-app.js';

const app = useReadTestApp({ TALLY_QUERY_MAX_WINDOWS: '100' });
const meter = { slug: 'tokens', aggregation: 'SUM', eventType: 'llm', valueProperty: '$.tokens', groupBy: { model: '$.model' } };
const range = 'from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z';

async function ready() {
  const api = app();
  if ((await api.call('GET', '/api/v1/meters/tokens')).status === 404) {
    assert.equal((await api.call('POST', '/api/v1/meters', { token: api.adminToken, body: meter })).status, 201);
  }
  return api;
}

/** Each bad query is a 400 problem+json whose detail names the parameter. */
const badV1: [query: string, detail: RegExp][] = [
  ['from=yesterday&to=2026-05-02T00:00:00Z', /from: must be an RFC 3339 date-time/],
  ['from=2026-05-01&to=2026-05-02T00:00:00Z', /from: must be an RFC 3339 date-time/],
  ['from=2026-05-01T00:00:00Z&to=2026-13-02T00:00:00Z', /to: must be an RFC 3339 date-time/],
  ['from=0001-01-01T00:00:00Z&to=2026-05-02T00:00:00Z', /from: must not be before 1970-01-01T00:00:00Z/],
  ['from=2026-05-01T00:00:00Z&to=9999-12-31T00:00:00Z&windowSize=DAY', /more than 100 DAY windows/],
  ['from=2026-05-02T00:00:00Z&to=2026-05-01T00:00:00Z', /from: must be before to/],
  ['from=2026-05-01T00:00:00Z&to=2026-05-01T00:00:00Z', /from: must be before to/],
  [`${range}&windowSize=WEEK`, /windowSize: must be one of MINUTE, HOUR, DAY, MONTH/],
  [`${range}&windowTimeZone=Mars/Olympus`, /windowTimeZone: must be an IANA time zone/],
  [`${range}&groupBy=region`, /groupBy: unknown "region": meter "tokens" can be grouped by model, subject, customer_id/],
  [`${range}&filterGroupBy[region]=eu`, /filterGroupBy\[region\]: unknown dimension "region"/],
  [`${range}&advancedMeterGroupByFilters=${encodeURIComponent('{"model":{"$like":"gpt%"}}')}`, /advancedMeterGroupByFilters\[model\]: supported: exactly one of/],
  ['from=2026-05-01T00:00:30Z&to=2026-05-02T00:00:00Z', /from must fall on a whole minute/],
  ['from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z&windowSize=MINUTE', /more than 100 MINUTE windows/],
  ['from=2019-01-01T00:00:00Z&to=2019-01-02T00:00:00Z', /cannot answer exactly from 2019-01-01T00:00:00Z: .*day buckets, kept only from/],
];

test('v1: bad queries are 400 problem+json naming the parameter', async () => {
  const api = await ready();
  for (const [query, detail] of badV1) {
    const res = await api.call('GET', `/api/v1/meters/tokens/query?${query}`);
    assert.equal(res.status, 400, `${query}: ${res.text}`);
    assert.equal(res.headers.get('content-type'), 'application/problem+json', query);
    const body = res.body as { type: string; detail: string };
    assert.equal(body.type, 'about:blank');
    assert.match(body.detail, detail, query);
  }
});

test('an unencoded + of an offset in the query string is still read as the offset', async () => {
  const api = await ready();
  const res = await api.call('GET', '/api/v1/meters/tokens/query?from=2026-05-01T05:30:00+05:30&to=2026-05-02T00:00:00Z');
  assert.equal(res.status, 200, res.text);
  assert.equal((res.body as { from: string }).from, '2026-05-01T00:00:00Z');
});

test('v1 POST: a body that is not a MeterQueryRequest is a 400; unknown meters are 404', async () => {
  const api = await ready();
  const cases: [unknown, RegExp][] = [
    [[], /body: must be a JSON object/],
    [{ from: 5 }, /from: must be an RFC 3339 date-time/],
    [{ groupBy: 'model,subject' }, /groupBy: unknown "model,subject"/],
    [{ subject: [1] }, /subject: must be a list of strings/],
    [{ filterGroupBy: { model: 3 } }, /filterGroupBy\[model\]: must be a list of strings/],
  ];
  for (const [body, detail] of cases) {
    const res = await api.call('POST', '/api/v1/meters/tokens/query', { body });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match((res.body as { detail: string }).detail, detail);
  }
  assert.equal((await api.call('POST', '/api/v1/meters/tokens/query', { body: '{"from":' })).status, 400);
  const missing = await api.call('GET', `/api/v1/meters/nope/query?${range}`);
  assert.equal(missing.status, 404);
  assert.match((missing.body as { detail: string }).detail, /meter not found: nope/);
});

test('v3: bad queries are 400 in the v3 problem shape, with invalid_parameters', async () => {
  const api = await ready();
  const cases: [unknown, string, RegExp][] = [
    [{ granularity: 'PT5M' }, 'granularity', /granularity: must be one of PT1M, PT1H, P1D, P1M/],
    [{ time_zone: 'Nowhere/City' }, 'time_zone', /time_zone: must be an IANA time zone/],
    [{ group_by_dimensions: ['region'] }, 'group_by_dimensions', /unknown "region"/],
    [{ filters: { dimensions: { model: { contains: 'gpt' } } } }, 'filters.dimensions.model', /supported: exactly one of/],
    [{ filters: { dimensions: { region: { eq: 'eu' } } } }, 'filters.dimensions.region', /unknown dimension "region"/],
    [{ windowSize: 'DAY' }, 'windowSize', /windowSize: is not a field of a meter query/],
    [{ from: '2026-05-02T00:00:00Z', to: '2026-05-01T00:00:00Z' }, 'from', /from: must be before to/],
  ];
  for (const prefix of ['/v3/openmeter', '/api/v3/openmeter']) {
    for (const [body, field, detail] of cases) {
      const res = await api.call('POST', `${prefix}/meters/tokens/query`, { body });
      assert.equal(res.status, 400, JSON.stringify(body));
      const problem = res.body as { type: string; detail: string; invalid_parameters: { field: string }[] };
      assert.equal(problem.type, 'https://kongapi.info/konnect/bad-request');
      assert.match(problem.detail, detail);
      assert.ok(problem.invalid_parameters.some((p) => p.field === field), `${field} in ${JSON.stringify(problem.invalid_parameters)}`);
    }
  }
  const missing = await api.call('POST', '/v3/openmeter/meters/01JNOPE0000000000000000000/query', { body: {} });
  assert.equal(missing.status, 404);
  assert.equal((missing.body as { type: string }).type, 'https://kongapi.info/konnect/not-found');
});

test('security: every query route answers 401 without a token and 403 without the read scope', async () => {
  const api = await ready();
  const routes: [string, string, unknown?][] = [
    ['GET', `/api/v1/meters/tokens/query?${range}`],
    ['POST', '/api/v1/meters/tokens/query', {}],
    ['POST', '/v3/openmeter/meters/tokens/query', {}],
    ['POST', '/api/v3/openmeter/meters/tokens/query', {}],
  ];
  for (const [method, path, body] of routes) {
    const anonymous = await api.call(method, path, { token: null, body });
    assert.equal(anonymous.status, 401, `${method} ${path}`);
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer');
    assert.equal((await api.call(method, path, { token: 'not-a-token', body })).status, 401, `${method} ${path}`);
    assert.equal((await api.call(method, path, { token: api.ingestToken, body })).status, 403, `${method} ${path}`);
    assert.equal((await api.call(method, path, { token: api.readToken, body })).status, 200, `${method} ${path}`);
    assert.equal((await api.call(method, path, { token: api.adminToken, body })).status, 200, `${method} ${path}`);
  }
});

test('fuzz: any mix of parameters and junk values is answered with 200 or a 4xx problem, never a 5xx', async () => {
  const api = await ready();
  const names = ['from', 'to', 'windowSize', 'windowTimeZone', 'subject', 'filterCustomerId', 'groupBy', 'filterGroupBy[model]', 'filterGroupBy[x]', 'advancedMeterGroupByFilters', 'clientId', 'filterGroupBy[]', 'groupBy[]'];
  const values = ['', 'x', 'DAY', 'MONTH', 'UTC', 'Asia/Kolkata', '2026-05-01T00:00:00Z', '2026-05-01T00:00:00+05:30', '2026-05-01T00:00:30Z', '9999-12-31T23:59:00Z', '{"model":{"$eq":"a"}}', '{"model":5}', '[]', 'null', '%', '\u0000', 'model', 'subject', '__proto__'];
  const bodyValues: unknown[] = [null, 1, 'x', [], {}, ['a'], { a: ['b'] }, '2026-05-01T00:00:00Z', true, [1, 2], { $in: 'x' }];
  let seed = 1;
  const pick = <T>(list: readonly T[]) => list[(seed = (seed * 16807) % 2147483647) % list.length]!;
  for (let i = 0; i < 150; i++) {
    const params = new URLSearchParams();
    for (let n = 0; n < 1 + (i % 4); n++) params.append(pick(names), pick(values));
    const get = await api.call('GET', `/api/v1/meters/tokens/query?${params}`);
    assert.ok(get.status === 200 || (get.status >= 400 && get.status < 500), `GET ?${params}: ${get.status} ${get.text}`);
    const body = Object.fromEntries(Array.from({ length: 1 + (i % 3) }, () => [pick([...names, 'granularity', 'time_zone', 'group_by_dimensions', 'filters']), pick(bodyValues)]));
    for (const path of ['/api/v1/meters/tokens/query', '/v3/openmeter/meters/tokens/query']) {
      const post = await api.call('POST', path, { body });
      assert.ok(post.status === 200 || (post.status >= 400 && post.status < 500), `POST ${path} ${JSON.stringify(body)}: ${post.status} ${post.text}`);
    }
  }
});
