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

/** Creates the meter and customers over the real API of a running Tally. */
export async function prepareTenant(url: string, adminToken: string, name: string, subjectCount = 4): Promise<Tenant> {
  const slug = name.replace(/[^a-z0-9]+/g, '_');
  const eventType = `${name}.request`;
  await api(url, adminToken, 'POST', '/api/v1/meters', { slug, name, aggregation: 'COUNT', eventType });
  const subjects = Array.from({ length: subjectCount }, (_, i) => `${name}-customer-${i}`);
  const customers = new Map<string, string>();
  for (const subject of subjects) {
    const created = await api(url, adminToken, 'POST', '/api/v1/customers', { name: subject, key: subject });
    customers.set(subject, String(created.id));
  }
  return { slug, eventType, subjects, customers };
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
  const expected = new Map(tenant.subjects.map((s) => [s, driver.acknowledged.get(s) ?? 0]));
  assert.ok(driver.acknowledgedTotal() > 0, 'the load driver got events acknowledged');
  await eventually(async () => {
    const counts = await meterCounts(redisUrl, prefix, tenant);
    assert.deepEqual(Object.fromEntries(counts), Object.fromEntries(expected), 'meter counts equal the acknowledged events');
  }, { timeoutMs, intervalMs: 200 });
  return driver.acknowledgedTotal();
}
