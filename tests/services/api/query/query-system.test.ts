import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Aggregation } from '../../../../core/meters/meter.js';
import type { WindowSize } from '../../../../core/meters/query/zone-windows.js';
import { eventually } from '../../../support/eventually.js';
import { labelOfWindowStart, referenceRows, type MeterFact } from '../../../support/meter-reference.js';
import { startRedis, type TestRedis } from '../../../support/redis-server.js';
import { startTallySystem, type SystemLog, type TallySystem } from '../../../support/tally-system.js';

const minute = 60_000;
const meters: { slug: string; aggregation: Aggregation; valueProperty?: string; value: (data: EventData) => number | string }[] = [
  { slug: 'tokens_sum', aggregation: 'SUM', valueProperty: '$.tokens', value: (d) => d.tokens },
  { slug: 'calls', aggregation: 'COUNT', value: () => 1 },
  { slug: 'tokens_avg', aggregation: 'AVG', valueProperty: '$.tokens', value: (d) => d.tokens },
  { slug: 'tokens_min', aggregation: 'MIN', valueProperty: '$.tokens', value: (d) => d.tokens },
  { slug: 'tokens_max', aggregation: 'MAX', valueProperty: '$.tokens', value: (d) => d.tokens },
  { slug: 'users', aggregation: 'UNIQUE_COUNT', valueProperty: '$.user', value: (d) => d.user },
  { slug: 'tokens_latest', aggregation: 'LATEST', valueProperty: '$.tokens', value: (d) => d.tokens },
];

interface EventData {
  tokens: number;
  model: string;
  user: string;
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return (n: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
}

for (const log of ['redis-stream', 'kafka'] as SystemLog[]) {
  describe(`query results equal an in-memory computation (worker over ${log})`, () => {
    let redis: TestRedis;
    let system: TallySystem;
    const customers = new Map<string, string>();
    const facts: MeterFact[] = [];
    const events: { subject: string; timeMs: number; data: EventData }[] = [];
    const recentStart = Math.floor((Date.now() - 3 * 86_400_000) / minute) * minute;
    const dstStart = Date.parse('2026-10-31T04:00:00Z');

    before(async () => {
      redis = await startRedis();
      system = await startTallySystem({ log, redisUrl: redis.url });
      for (const meter of meters) {
        const { value: _value, ...body } = meter;
        const res = await system.call('POST', '/api/v1/meters', { body: { ...body, eventType: 'llm', groupBy: { model: '$.model' } } });
        assert.equal(res.status, 201, res.text);
      }
      for (const [key, subjects] of [['acme', ['alice']], ['globex', ['bob', 'bea']]] as const) {
        const res = await system.call('POST', '/api/v1/customers', { body: { name: key, key, usageAttribution: { subjectKeys: subjects } } });
        assert.equal(res.status, 201, res.text);
        const id = (res.body as { id: string }).id;
        for (const subject of subjects) customers.set(subject, id);
      }
      const next = random(log === 'kafka' ? 7 : 11);
      const used = new Set<number>();
      for (let i = 0; i < 400; i++) {
        const base = i % 4 === 0 ? dstStart : recentStart;
        const span = i % 4 === 0 ? 3 * 86_400_000 : Date.now() - 60_000 - recentStart;
        let timeMs = base + next(span);
        while (used.has(timeMs)) timeMs++;
        used.add(timeMs);
        const subject = ['alice', 'bob', 'bea', 'ghost'][next(4)]!;
        events.push({ subject, timeMs, data: { tokens: next(1000), model: ['gpt-4o', 'o3', 'mini'][next(3)]!, user: `u${next(12)}` } });
      }
      const body = events.map((e, i) => ({ specversion: '1.0', id: `e${i}`, source: 'test', type: 'llm', subject: e.subject, time: new Date(e.timeMs).toISOString(), data: e.data }));
      const ingest = await system.call('POST', '/api/v1/events', { token: system.ingestToken, body, contentType: 'application/cloudevents-batch+json' });
      assert.equal(ingest.status, 204, ingest.text);
      for (const e of events) {
        const customerId = customers.get(e.subject);
        if (customerId) facts.push({ customerId, subject: e.subject, timeMs: e.timeMs, groupValues: { model: e.data.model }, value: 0, ...{ data: e.data } } as MeterFact & { data: EventData });
      }
      await eventually(
        async () => {
          const res = await system.call('POST', '/api/v1/meters/calls/query', { body: { from: new Date(dstStart).toISOString() } });
          const total = (res.body as { data: { value: number }[] }).data[0]?.value;
          assert.equal(total, facts.length, `every attributed event counted (${total} of ${facts.length})`);
        },
        { timeoutMs: 20_000 },
      );
    });

    after(async () => {
      await system?.stop();
      await redis?.stop();
    });

    const cases: { zone: string; size?: WindowSize; from: () => number; to: () => number; groupBy: string[]; filters?: Record<string, string[]> }[] = [
      { zone: 'UTC', size: 'DAY', from: () => recentStart, to: () => Math.ceil(Date.now() / minute) * minute, groupBy: ['model'] },
      { zone: 'UTC', size: 'MINUTE', from: () => recentStart, to: () => recentStart + 6 * 3_600_000, groupBy: [] },
      { zone: 'UTC', size: 'MONTH', from: () => dstStart, to: () => Math.ceil(Date.now() / minute) * minute, groupBy: ['customer_id'] },
      { zone: 'Asia/Kolkata', size: 'DAY', from: () => recentStart, to: () => Math.ceil(Date.now() / minute) * minute, groupBy: ['subject', 'model'] },
      { zone: 'Asia/Kolkata', size: 'HOUR', from: () => recentStart + 7 * minute, to: () => recentStart + 30 * 3_600_000, groupBy: [], filters: { subject: ['bob', 'bea'] } },
      { zone: 'Asia/Kathmandu', size: 'DAY', from: () => recentStart, to: () => Math.ceil(Date.now() / minute) * minute, groupBy: ['customer_id'] },
      { zone: 'Asia/Kolkata', from: () => recentStart + 13 * minute, to: () => Math.ceil(Date.now() / minute) * minute, groupBy: ['model'], filters: { model: ['o3'] } },
      { zone: 'America/New_York', size: 'DAY', from: () => dstStart, to: () => dstStart + 3 * 86_400_000 + 3_600_000, groupBy: ['model'] },
      { zone: 'America/New_York', size: 'HOUR', from: () => dstStart, to: () => dstStart + 3 * 86_400_000, groupBy: [] },
    ];

    for (const meter of meters) {
      test(`${meter.slug}: every window size and zone, groupBy and filters`, async () => {
        const meterFacts = facts.map((f) => ({ ...f, value: meter.value((f as MeterFact & { data: EventData }).data) }));
        for (const c of cases) {
          const body = { from: new Date(c.from()).toISOString(), to: new Date(c.to()).toISOString(), windowTimeZone: c.zone, groupBy: c.groupBy, filterGroupBy: c.filters ?? {}, ...(c.size ? { windowSize: c.size } : {}) };
          const res = await system.call('POST', `/api/v1/meters/${meter.slug}/query`, { token: system.readToken, body });
          assert.equal(res.status, 200, `${JSON.stringify(body)}: ${res.text}`);
          const rows = (res.body as { data: { value: number; windowStart: string; subject: string | null; customerId?: string; groupBy: Record<string, string> }[] }).data;
          const actual = new Map(
            rows.map((row) => {
              const dims: Record<string, string> = {};
              for (const key of c.groupBy) dims[key] = key === 'subject' ? row.subject! : key === 'customer_id' ? row.customerId! : row.groupBy[key]!;
              return [`${labelOfWindowStart(c.size, row.windowStart)}|${JSON.stringify(dims)}`, row.value];
            }),
          );
          const expected = referenceRows(meterFacts, { aggregation: meter.aggregation, zone: c.zone, windowSize: c.size, fromMs: c.from(), toMs: c.to(), groupBy: c.groupBy, filters: c.filters ?? {} });
          assert.deepEqual(actual, expected, JSON.stringify(body));
        }
      });
    }

    test('the parked events are in the feed with their error; hasErrors lists only them', async () => {
      const ghosts = events.filter((e) => e.subject === 'ghost').length;
      const res = await system.call('GET', '/api/v1/events?hasErrors=true&limit=100', { token: system.readToken });
      const records = res.body as { event: { subject: string }; validationError?: string; customerId?: string }[];
      assert.equal(records.length, Math.min(ghosts, 100));
      assert.ok(records.every((r) => r.event.subject === 'ghost' && r.validationError === 'no customer found for event subject: ghost' && r.customerId === undefined));
      const v3 = await system.call('GET', '/v3/openmeter/events?filter[subject]=alice&page[size]=5', { token: system.readToken });
      const page = v3.body as { data: { customer?: { id: string } }[]; meta: { page: { next: string | null } } };
      assert.equal(page.data.length, 5);
      assert.ok(page.data.every((r) => r.customer?.id === customers.get('alice')));
      assert.match(page.meta.page.next ?? '', /page%5Bafter%5D=/);
      const one = events.filter((e) => e.subject === 'alice').sort((a, b) => a.timeMs - b.timeMs)[0]!;
      const at = new Date(one.timeMs).toISOString();
      const exact = await system.call('GET', `/api/v1/events?subject=alice&from=${at}&to=${at}`, { token: system.readToken });
      assert.deepEqual((exact.body as { event: { time: string } }[]).map((r) => r.event.time), [at], 'v1 from and to are both inclusive');
      const v3Exact = await system.call('GET', `/v3/openmeter/events?filter[subject]=alice&filter[time][eq]=${at}`, { token: system.readToken });
      assert.equal((v3Exact.body as { data: unknown[] }).data?.length, 1, v3Exact.text);
      const after = await system.call('GET', `/v3/openmeter/events?filter[subject]=alice&filter[time][gt]=${at}&page[size]=100`, { token: system.readToken });
      const times = (after.body as { data: { event: { time: string } }[] }).data.map((r) => r.event.time);
      assert.ok(times.length > 0 && times.every((t) => t > at), 'gt excludes the bound');
      const empty = await system.call('GET', `/v3/openmeter/events?filter[time][gt]=${at}&filter[time][lt]=${at}`, { token: system.readToken });
      assert.equal(empty.status, 400, 'a range that can match nothing is named, not answered with []');
    });
  });
}
