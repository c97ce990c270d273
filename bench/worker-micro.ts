import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { loadConfig } from '../core/config/config.js';
import type { CloudEvent, LogRecord } from '../core/events/cloud-event.js';
import { createRedisCustomerStore } from '../core/customers/redis/redis-customer-store.js';
import { createEventLog } from '../core/log/create-event-log.js';
import type { MeterInput } from '../core/meters/meter-registry.js';
import { createRedisMeterRegistry } from '../core/meters/redis/redis-meter-registry.js';
import { createWorkerMember } from '../services/worker/start-worker.js';
import { startRedis } from '../tests/support/redis-server.js';
import { benchMeters, prefillEvents } from './bench-fixtures.js';
import { forEachConcurrently } from './http-client.js';
import { subjectOf } from './event-bodies.js';

/**
 * `node --import tsx bench/worker-micro.ts [customers] [events] [NAME=value ...] [--profile=file.cpuprofile] [--redis=url] [--pause]`:
 * the worker phase in this process against its own redis-server — the
 * bench's customers, meters and events pre-filled into a Redis Stream, then
 * one worker drains it. Prints worker (this process) and redis-server CPU
 * per event, steadier than events/s on a shared machine, the part of it the
 * worker spent in GC pauses (scavenges copy whatever a batch still holds),
 * and the commands Redis ran (`INFO commandstats`, script-internal calls
 * included).
 */
const args = process.argv.slice(2);
const flag = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const profileFile = flag('profile');
const externalRedis = flag('redis');
const [customersArg, eventsArg, ...envArgs] = args.filter((arg) => !arg.startsWith('--'));
const customers = Number(customersArg ?? 10_000);
const recent = Number(eventsArg ?? 100_000);
// An external server (`--redis=redis://...`, flushed first) can run under a profiler; by default one of its own.
const server = externalRedis ? { url: externalRedis, port: Number(new URL(externalRedis).port), stop: async () => undefined } : await startRedis();
const redis = new Redis(server.url);
if (externalRedis) await redis.flushall();
const logger = pino({ level: 'silent' });
const config = loadConfig({
  REDIS_URL: server.url, TALLY_REDIS_PREFIX: 'micro:', TALLY_ADMIN_TOKEN: 'micro-admin-token-0123456789abcdef',
  ...Object.fromEntries(envArgs.map((pair) => pair.split('=', 2) as [string, string])),
});
const prefix = config.redisPrefix;
const meters = createRedisMeterRegistry({ redis, prefix, cacheMaxAgeMs: config.definitions.cacheMaxAgeMs });
for (const meter of benchMeters) await meters.create(meter as unknown as MeterInput);
const store = createRedisCustomerStore({ redis, prefix, onSubjectsClaimed: async () => undefined });
await forEachConcurrently(customers, 32, async (n) => {
  await store.create({ key: subjectOf(n), name: `Customer ${n}` });
});

const ingestedAt = new Date().toISOString();
const records: LogRecord[] = prefillEvents({ customers, recent, historyCustomers: Math.ceil(customers / 1000), tag: `micro-${Date.now()}` }).map((event) => ({
  namespace: 'default', ingestedAt, event: event as unknown as CloudEvent, json: JSON.stringify(event),
}));
const log = createEventLog({ config, redis, logger });
for (let from = 0; from < records.length; from += 1000) await log.publish(records.slice(from, from + 1000));

const { worker, consumer } = createWorkerMember({ config, redis, logger, registry: new Registry(), consumerName: 'micro', meters });
let handled = 0;
let resolveDone: () => void = () => undefined;
const done = new Promise<void>((resolve) => (resolveDone = resolve));
const redisCpu = async () => {
  const info = await redis.info('cpu');
  const seconds = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6;
};
const session = new Session();
if (profileFile) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
await redis.config('RESETSTAT');
const redisBefore = await redisCpu();
const cpuBefore = process.cpuUsage();
process.stderr.write(`draining ${records.length} events (redis-server port ${server.port})\n`);
// --pause: wait for a line on stdin before draining and after (to attach or detach a profiler).
const input = args.includes('--pause') ? createInterface({ input: process.stdin }) : undefined;
const lines = input?.[Symbol.asyncIterator]();
await lines?.next();
let gcMs = 0;
const gc = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
});
gc.observe({ entryTypes: ['gc'] });
const started = performance.now();
await consumer.start(async (batch) => {
  await worker.handle(batch);
  handled += batch.length;
  if (handled >= records.length) resolveDone();
});
await done;
const seconds = (performance.now() - started) / 1000;
gc.disconnect();
const cpu = process.cpuUsage(cpuBefore);
const redisMicros = (await redisCpu()) - redisBefore;
if (profileFile) writeFileSync(profileFile, JSON.stringify((await session.post('Profiler.stop')).profile));
await consumer.stop();
process.stderr.write('drained\n');
await lines?.next();
input?.close();
const stats = await redis.info('commandstats');
const n = records.length;
console.log(`${n} events, ${customers} customers: ${Math.round(n / seconds)} events/s`);
console.log(`worker CPU ${((cpu.user + cpu.system) / n).toFixed(1)} µs/event (system ${(cpu.system / n).toFixed(1)}, GC ${((gcMs * 1000) / n).toFixed(1)}), redis-server CPU ${(redisMicros / n).toFixed(1)} µs/event`);
for (const line of stats.split('\n')) {
  const match = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
  if (match) console.log(`  ${match[1]!.padEnd(14)} ${(Number(match[2]) / n).toFixed(2).padStart(7)} calls/event ${(Number(match[3]) / n).toFixed(2).padStart(7)} µs/event`);
}
await log.close();
redis.disconnect();
await server.stop();
