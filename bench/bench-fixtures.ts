import { writeFileSync } from 'node:fs';
import { benchEvent, subjectOf } from './event-bodies.js';
import { createHttpClient, expectStatus, forEachConcurrently } from './http-client.js';

/** The three meters every bench event matches; one groups by model. */
export const benchMeters = [
  { slug: 'bench_requests', name: 'Requests', aggregation: 'COUNT', eventType: 'kong.api_request' },
  { slug: 'bench_tokens', name: 'Tokens', aggregation: 'SUM', eventType: 'kong.api_request', valueProperty: '$.tokens' },
  {
    slug: 'bench_latency_by_model',
    name: 'Latency by model',
    aggregation: 'SUM',
    eventType: 'kong.api_request',
    valueProperty: '$.latency_ms',
    groupBy: { model: '$.model' },
  },
] as const;

/** Writes the meters as a TALLY_METERS_FILE (JSON is valid YAML) and returns its path. */
export function writeMetersFile(path: string): string {
  writeFileSync(path, JSON.stringify({ meters: benchMeters }, null, 2));
  return path;
}

/** Customers `cust-0` … through the customers API, each keyed by its subject. */
export async function createCustomers(apiUrl: string, token: string, count: number): Promise<void> {
  const api = createHttpClient(apiUrl, token);
  await forEachConcurrently(count, 16, async (n) => {
    const answer = await api.request('POST', '/api/v1/customers', { key: subjectOf(n), name: `Customer ${n}` });
    expectStatus(answer, 201, `creating customer ${n}`);
  });
}

/** The id of customer `n`, looked up by its key. */
export async function customerIdOf(apiUrl: string, token: string, n: number): Promise<string> {
  const answer = await createHttpClient(apiUrl, token).request('GET', `/api/v1/customers/${subjectOf(n)}`);
  expectStatus(answer, 200, 'reading a customer');
  return (JSON.parse(answer.text) as { id: string }).id;
}

export const historyDays = 30;

/**
 * The events the worker phase pre-fills: `recent` events spread over every
 * customer, now; plus `historyCustomers` customers with one event per hour
 * over the last 30 days, which the query phase reads.
 */
export function prefillEvents({ customers, recent, historyCustomers, tag }: { customers: number; recent: number; historyCustomers: number; tag: string }): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  const now = Date.now();
  for (let n = 0; n < recent; n++) events.push(benchEvent(`${tag}-r${n}`, n % customers, new Date(now - (n % 1000))));
  const hours = historyDays * 24;
  for (let c = 0; c < historyCustomers; c++) {
    for (let h = 1; h <= hours; h++) events.push(benchEvent(`${tag}-h${c}-${h}`, c, new Date(now - h * 3_600_000)));
  }
  return events;
}

/** Posts `events` to an ingest process in batches of 100; resolves when every batch got its 2xx. */
export async function publishEvents(ingestUrl: string, token: string, events: readonly Record<string, unknown>[]): Promise<void> {
  const ingest = createHttpClient(ingestUrl, token);
  const batches = Math.ceil(events.length / 100);
  await forEachConcurrently(batches, 8, async (b) => {
    const body = JSON.stringify(events.slice(b * 100, b * 100 + 100));
    const answer = await ingest.request('POST', '/api/v1/events', body, 'application/cloudevents-batch+json');
    expectStatus(answer, 204, `publishing batch ${b}`);
  });
}
