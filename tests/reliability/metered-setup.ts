import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { loadConfig } from '../../core/config/config.js';
import { createRedisMeterRegistry } from '../../core/meters/redis/redis-meter-registry.js';
import { createRedisMeterStore } from '../../core/meters/redis/redis-meter-store.js';
import { eventually } from '../support/eventually.js';
import type { LoadDriver } from '../support/load-driver.js';

const DAY_MS = 86_400_000;

/** What a fault test meters: one COUNT meter, and one customer per subject. */
export interface Tenant {
  slug: string;
  eventType: string;
  subjects: string[];
  /** subject -> customer id */
  customers: Map<string, string>;
  /** Events counted before the load (the warm-up), per subject. */
  baseline: Map<string, number>;
}

/** Where the warm-up events go and where their counts are read. */
export interface WarmUp {
  ingestUrl: string;
  ingestToken: string;
  redisUrl: string;
  prefix: string;
}

async function api(url: string, token: string, method: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  assert.ok(res.status === 201 || res.status === 200, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * Creates the meter and customers over the real API of a running Tally, then
 * sends one event per subject and waits until the worker counted it: the
 * worker sees a new meter only after its definitions cache refreshes, and
 * events it applies before that are not counted for the meter (by design).
 */
export async function prepareTenant(url: string, adminToken: string, name: string, warmUp: WarmUp, subjectCount = 4): Promise<Tenant> {
  const slug = name.replace(/[^a-z0-9]+/g, '_');
  const eventType = `${name}.request`;
  await api(url, adminToken, 'POST', '/api/v1/meters', { slug, name, aggregation: 'COUNT', eventType });
  const subjects = Array.from({ length: subjectCount }, (_, i) => `${name}-customer-${i}`);
  const customers = new Map<string, string>();
  for (const subject of subjects) {
    const created = await api(url, adminToken, 'POST', '/api/v1/customers', { name: subject, key: subject });
    customers.set(subject, String(created.id));
  }
  const tenant: Tenant = { slug, eventType, subjects, customers, baseline: new Map(subjects.map((s) => [s, 0])) };
  for (let attempt = 0; ; attempt++) {
    const batch = subjects.map((subject) => ({ specversion: '1.0', id: `${name}-warm-up-${attempt}-${subject}`, source: 'warm-up', type: eventType, subject, time: new Date().toISOString() }));
    const res = await fetch(`${warmUp.ingestUrl}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${warmUp.ingestToken}`, 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify(batch),
    });
    assert.equal(res.status, 204, 'warm-up events accepted');
    const counted = await eventually(async () => {
      const counts = await meterCounts(warmUp.redisUrl, warmUp.prefix, tenant);
      assert.ok([...counts.values()].every((n) => n > 0), 'warm-up counted');
      return counts;
    }, { timeoutMs: 2_000, intervalMs: 100 }).catch(() => undefined);
    if (counted) {
      tenant.baseline = counted;
      return tenant;
    }
    assert.ok(attempt < 20, 'the worker never counted the warm-up events');
  }
}

/** The meter's all-time count per subject, read from the worker's buckets as the query API reads them. */
export async function meterCounts(redisUrl: string, prefix: string, tenant: Tenant): Promise<Map<string, number>> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const meter = await createRedisMeterRegistry({ redis, prefix }).get(tenant.slug);
    assert.ok(meter, `meter ${tenant.slug} exists`);
    const { materialize } = loadConfig({});
    const store = createRedisMeterStore({ redis, prefix, retentionMs: materialize.retentionMs });
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const rows = await store.aggregate({ meter, granularity: 'day', windows: [{ fromMs: today - DAY_MS, toMs: today + 2 * DAY_MS }], groupBy: ['customer_id'], filters: {} });
    const bySubject = new Map<string, number>();
    for (const [subject, customerId] of tenant.customers) {
      const value = rows.filter((r) => r.dimensions.customer_id === customerId).reduce((sum, r) => sum + (r.value ?? 0), 0);
      bySubject.set(subject, value);
    }
    return bySubject;
  } finally {
    redis.disconnect();
  }
}

/** Waits until the meters equal exactly what the driver got acknowledged, subject by subject. */
export async function assertCountedExactlyOnce(redisUrl: string, prefix: string, tenant: Tenant, driver: LoadDriver, timeoutMs = 30_000): Promise<number> {
  const expected = new Map(tenant.subjects.map((s) => [s, (tenant.baseline.get(s) ?? 0) + (driver.acknowledged.get(s) ?? 0)]));
  assert.ok(driver.acknowledgedTotal() > 0, 'the load driver got events acknowledged');
  const serverErrors = [...driver.outcomes.keys()].filter((status) => /^5\d\d$/.test(status) && status !== '503');
  assert.deepEqual(serverErrors, [], 'no 5xx but 503 under the fault');
  await eventually(async () => {
    const counts = await meterCounts(redisUrl, prefix, tenant);
    assert.deepEqual(Object.fromEntries(counts), Object.fromEntries(expected), 'meter counts equal the acknowledged events');
  }, { timeoutMs, intervalMs: 200 });
  return driver.acknowledgedTotal();
}
