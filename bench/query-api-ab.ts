import { Redis } from 'ioredis';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { LogRecord } from '../core/events/cloud-event.js';
import { createEventEvaluator } from '../core/meters/evaluate-event.js';
import type { Meter } from '../core/meters/meter.js';
import type { WriteItem } from '../core/meters/meter-writer.js';
import { createRedisMeterWriter } from '../core/meters/redis/redis-meter-writer.js';
import { freePort } from '../tests/support/free-port.js';
import { startRedis } from '../tests/support/redis-server.js';
import { benchMeters } from './bench-fixtures.js';
import { runLoad } from './load.js';
import { spawnNode, type NodeProcess } from './node-process.js';

/**
 * `node --import tsx bench/query-api-ab.ts <cli.js>[,<cli.js>...] [seconds] [rounds]`:
 * the queries phase's two queries (plus a meter read and a query with no
 * data, for the fixed cost of a request) against `tally api` processes
 * started from each built CLI in turn — e.g. a checkout of main's
 * `dist/services/cli.js` and this one's — alternating, a fresh process per
 * round, over the same redis-server and data (one customer, 30 days of
 * hourly events). Prints the api process's CPU per query (the figure a
 * busy machine distorts least), req/s and p50/p99 at 4 connections.
 * `QUERY_AB_ONLY=<name>` runs one query.
 */
const clis = (process.argv[2] ?? 'dist/services/cli.js').split(',');
const seconds = Number(process.argv[3] ?? 3);
const rounds = Number(process.argv[4] ?? 2);
const only = process.env.QUERY_AB_ONLY;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const customer = '01JQAB0000000000000000000C';
const token = 'tly_query-ab-admin';
const prefix = 'query-ab:';

const server = await startRedis();
const redis = new Redis(server.url);
mkdirSync('bench/output', { recursive: true });
const metersFile = 'bench/output/query-ab-meters.json';
writeFileSync(metersFile, JSON.stringify({ meters: benchMeters }));
const env = { REDIS_URL: server.url, TALLY_REDIS_PREFIX: prefix, TALLY_ADMIN_TOKEN: token, TALLY_METERS_FILE: metersFile, LOG_LEVEL: 'warn', HOST: '127.0.0.1' };

/** 30 days of hourly events for one customer, through the worker's writer, for the meters the api created from the file. */
async function writeHistory(apiUrl: string): Promise<void> {
  const meters = (await (await fetch(`${apiUrl}/api/v1/meters`, { headers: { authorization: `Bearer ${token}` } })).json()) as Meter[];
  const retentionMs = { minute: 8 * DAY, hour: 400 * DAY, day: 1830 * DAY };
  const writer = createRedisMeterWriter({ redis, prefix, dedupeTtlMs: DAY, retentionMs, uniqueCountExactLimit: 1000, chunkEvents: 500 });
  const evaluate = createEventEvaluator();
  const now = Date.now();
  const items: WriteItem[] = [];
  for (let h = 1; h <= 30 * 24; h++) {
    const data = { tokens: h % 97, latency_ms: h % 13, model: `m${h % 3}` };
    const event = { specversion: '1.0' as const, id: `e${h}`, source: 'query-ab', type: 'kong.api_request', subject: 'cust-0', time: new Date(now - h * HOUR).toISOString(), data };
    const record: LogRecord = { namespace: 'default', ingestedAt: new Date(now).toISOString(), event };
    items.push({ record, contributions: evaluate(record.event, meters).contributions });
  }
  await writer.write(new Map([[customer, items]]));
}

async function measure(cli: string, api: NodeProcess, apiUrl: string): Promise<void> {
  const to = Math.ceil(Date.now() / HOUR) * HOUR;
  const range = `from=${new Date(to - 30 * DAY).toISOString()}&to=${new Date(to).toISOString()}`;
  const queries: Array<[string, string]> = [
    ['meter read', '/api/v1/meters/bench_requests'],
    ['no data', `/api/v1/meters/bench_requests/query?${range}&filterCustomerId=01JQAB0000000000000000000D&windowSize=HOUR`],
    ['30 days hourly', `/api/v1/meters/bench_requests/query?${range}&filterCustomerId=${customer}&windowSize=HOUR`],
    ['30 days by day, New York', `/api/v1/meters/bench_latency_by_model/query?${range}&filterCustomerId=${customer}&windowSize=DAY&windowTimeZone=America/New_York&groupBy=model`],
  ];
  for (const [name, path] of queries.filter(([name]) => !only || name === only)) {
    const url = `${apiUrl}${path}`;
    const check = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (!check.ok) throw new Error(`${name}: ${check.status} ${await check.text()}`);
    await runLoad({ url, token, connections: 4, durationSec: 1, eventsPerRequest: 1 });
    const cpuBefore = api.cpuSeconds();
    const load = await runLoad({ url, token, connections: 4, durationSec: seconds, eventsPerRequest: 1 });
    const cpuMs = ((api.cpuSeconds() - cpuBefore) * 1000) / load.completed;
    console.log(`${cli} ${name}: ${cpuMs.toFixed(3)} ms api CPU/query, ${Math.round(load.requestsPerSec)} req/s, p50 ${load.p50Ms} p99 ${load.p99Ms} ms${load.failures ? `, ${load.failures} failed` : ''}`);
  }
}

let written = false;
for (let round = 0; round < rounds; round++) {
  for (const cli of clis) {
    const port = await freePort();
    const api = await spawnNode({ name: 'api', args: [cli, 'api'], env: { ...env, PORT: String(port) }, readyUrl: `http://127.0.0.1:${port}/healthz` });
    try {
      if (!written) await writeHistory(`http://127.0.0.1:${port}`);
      written = true;
      await measure(cli, api, `http://127.0.0.1:${port}`);
    } finally {
      await api.stop();
    }
  }
}
await redis.quit();
await server.stop();
