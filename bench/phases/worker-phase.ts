import { Redis } from 'ioredis';
import { eventually } from '../../tests/support/eventually.js';
import { progress, type BenchContext } from '../bench-context.js';
import { workerHandled } from '../worker-progress.js';
import type { Deployment } from './pipeline.js';

/**
 * Phase 3: a worker started on a pre-filled log; events/s from its first
 * handled event to its last (process start and group join excluded), read
 * from its own counters. Target ≥ 50,000 events/s.
 */
export async function runWorkerPhase(context: BenchContext, deployment: Deployment, expected: number): Promise<void> {
  progress(`worker (${deployment.log}): draining ${expected} events`);
  const redis = new Redis(context.redis.url);
  const worker = await deployment.start('worker');
  const cpuBefore = worker.cpuSeconds();
  const redisBefore = await redisCpuMicros(redis);
  const url = deployment.urls.worker;
  const first = await eventually(
    async () => {
      const handled = await workerHandled(url);
      if (handled === 0) throw new Error('worker has not started yet');
      return { handled, at: performance.now() };
    },
    { timeoutMs: 60_000, intervalMs: 5 },
  );
  const last = await eventually(
    async () => {
      const handled = await workerHandled(url);
      if (handled < expected) throw new Error(`worker handled ${handled} of ${expected}`);
      return { handled, at: performance.now() };
    },
    { timeoutMs: 300_000, intervalMs: 20 },
  );
  const rate = (last.handled - first.handled) / ((last.at - first.at) / 1000);
  const workerMicros = ((worker.cpuSeconds() - cpuBefore) * 1e6) / expected;
  const redisMicros = ((await redisCpuMicros(redis)) - redisBefore) / expected;
  redis.disconnect();
  const { log } = deployment;
  context.record({ phase: 'worker', log, name: 'materialized', value: rate, unit: 'events/s', target: { value: 50_000, kind: 'min' }, note: `${expected} events, 3 meters` });
  context.record({ phase: 'worker', log, name: 'worker CPU', value: workerMicros, unit: 'µs/event', note: 'start included' });
  context.record({ phase: 'worker', log, name: 'redis-server CPU', value: redisMicros, unit: 'µs/event', note: 'INFO cpu' });
}

/** CPU microseconds redis-server used so far (single-threaded: its share per event bounds the worker). */
async function redisCpuMicros(redis: Redis): Promise<number> {
  const cpu = await redis.info('cpu');
  const seconds = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(cpu)?.[1] ?? 0);
  return (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6;
}
