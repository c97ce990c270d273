import { Redis } from 'ioredis';
import type { LogRecord } from '../core/events/cloud-event.js';
import { createEventEvaluator } from '../core/meters/evaluate-event.js';
import type { Meter } from '../core/meters/meter.js';
import type { WriteItem } from '../core/meters/meter-writer.js';
import { createMeterQueryService } from '../core/meters/query/create-meter-query-service.js';
import type { MeterQuery } from '../core/meters/query/meter-query.js';
import { createZoneOffsetCache } from '../core/meters/query/zone-offsets.js';
import { createRedisMeterStore } from '../core/meters/redis/redis-meter-store.js';
import { createRedisMeterWriter } from '../core/meters/redis/redis-meter-writer.js';
import { v1QueryJson } from '../services/api/query/v1-query-response.js';
import { startRedis } from '../tests/support/redis-server.js';

/**
 * `node --import tsx bench/query-micro.ts [seconds]`: the read path alone
 * (store, planner, v1 JSON text) in this process against its own
 * redis-server, for one customer with 30 days of hourly events and 8 days
 * of events every 10 minutes. Prints CPU per query (steadier than latency
 * on a shared machine) and wall p50/p99.
 */
const seconds = Number(process.argv[2] ?? 3);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const server = await startRedis();
const redis = new Redis(server.url);
const prefix = 'micro:';
const retentionMs = { minute: 8 * DAY, hour: 400 * DAY, day: 5 * 366 * DAY };
const meter = (slug: string, aggregation: Meter['aggregation'], more: Partial<Meter> = {}): Meter => ({
  id: `01MICRO${slug.toUpperCase().padEnd(19, '0')}`, slug, aggregation, eventType: 'req', groupBy: {}, valueProperty: '$.tokens',
  createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', ...more,
});
const meters = {
  count: meter('count', 'COUNT', { valueProperty: undefined }),
  byModel: meter('by_model', 'SUM', { groupBy: { model: '$.model' } }),
  avg: meter('avg', 'AVG'),
  unique: meter('unique', 'UNIQUE_COUNT', { valueProperty: '$.user' }),
};
const writer = createRedisMeterWriter({ redis, prefix, dedupeTtlMs: DAY, retentionMs, uniqueCountExactLimit: 10_000, chunkEvents: 500 });
const evaluate = createEventEvaluator();
const now = Date.now();
const to = Math.ceil(now / HOUR) * HOUR;
const items: WriteItem[] = [];
const times: number[] = [];
for (let h = 1; h <= 30 * 24; h++) times.push(now - h * HOUR);
for (let m = 1; m <= 8 * 24 * 6; m++) times.push(now - m * 600_000 - 60_000);
times.forEach((timeMs, n) => {
  const record: LogRecord = {
    namespace: 'default',
    ingestedAt: new Date(now).toISOString(),
    event: { specversion: '1.0', id: `e${n}`, source: 'micro', type: 'req', subject: 's1', time: new Date(timeMs).toISOString(), data: { tokens: n % 97, model: `m${n % 3}`, user: `u${n % 50}` } },
  };
  items.push({ record, contributions: evaluate(record.event, Object.values(meters)).contributions });
});
await writer.write(new Map([['C1', items]]));

const zones = createZoneOffsetCache();
const store = createRedisMeterStore({ redis, prefix, retentionMs });
const service = createMeterQueryService({ store, limits: { maxWindows: 3000, maxBuckets: 200_000 } });
const base = { customerIds: ['C1'], filters: {}, groupBy: [] as string[] };
const kolkataTo = Math.floor(now / DAY) * DAY + DAY - 5.5 * HOUR;
const queries: Array<[string, MeterQuery]> = [
  ['30 days hourly, COUNT', { ...base, meter: meters.count, fromMs: to - 30 * DAY, toMs: to, windowSize: 'HOUR', zone: zones('UTC')! }],
  ['30 days by day, New York, SUM by model', { ...base, meter: meters.byModel, fromMs: to - 30 * DAY, toMs: to, windowSize: 'DAY', zone: zones('America/New_York')!, groupBy: ['model'] }],
  ['7 days by day, Kolkata, AVG', { ...base, meter: meters.avg, fromMs: kolkataTo - 7 * DAY, toMs: kolkataTo, windowSize: 'DAY', zone: zones('Asia/Kolkata')! }],
  ['7 days by day, Kolkata, UNIQUE_COUNT', { ...base, meter: meters.unique, fromMs: kolkataTo - 7 * DAY, toMs: kolkataTo, windowSize: 'DAY', zone: zones('Asia/Kolkata')! }],
];
for (const [name, query] of queries.filter(([name]) => !process.argv[3] || name.includes(process.argv[3]))) {
  const run = async () => v1QueryJson(await service.query(query));
  const rows = (JSON.parse(await run()) as { data: unknown[] }).data.length;
  for (let i = 0; i < 20; i++) await run();
  const latencies: number[] = [];
  const cpu = process.cpuUsage();
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    const start = performance.now();
    await run();
    latencies.push(performance.now() - start);
  }
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(2);
  const cpuPerQuery = ((used.user + used.system) / latencies.length / 1000).toFixed(2);
  console.log(`${name} (${rows} rows): ${cpuPerQuery} ms CPU/query, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, ${latencies.length} queries`);
}
await redis.quit();
await server.stop();
