import { Redis } from 'ioredis';
import { progress, type BenchContext } from '../bench-context.js';
import { benchMeters, historyDays } from '../bench-fixtures.js';
import type { Deployment } from './pipeline.js';

/** Bytes (MEMORY USAGE, exact) of every key matching `pattern`, grouped by `groupOf(key)`. */
async function keyBytes(redis: Redis, pattern: string, groupOf: (key: string) => string): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 2_000);
    cursor = next;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.memory('USAGE', key, 'SAMPLES', '0');
    const sizes = (await pipeline.exec()) ?? [];
    keys.forEach((key, i) => {
      const group = groupOf(key);
      totals.set(group, (totals.get(group) ?? 0) + Number(sizes[i]?.[1] ?? 0));
    });
  } while (cursor !== '0');
  return totals;
}

/**
 * Phase 6 (Redis side), after the worker drained the pre-filled log:
 * dedupe bytes per event for the recent traffic (several events per
 * customer-hour) and for the history (one per customer-hour), and bucket
 * bytes per customer-meter-day. Target ≤ 64 bytes per deduplicated event.
 */
export async function runMemoryPhase(context: BenchContext, deployment: Deployment): Promise<void> {
  progress(`memory (${deployment.log}): Redis key sizes`);
  const redis = new Redis(context.redis.url);
  try {
    // Dedupe hashes are per customer and hour (`d:<hour in base 36>`): the recent events share the last hour or two.
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600;
    const recentHours = new Set([hour, hour - 3_600].map((h) => h.toString(36)));
    const dedupe = await keyBytes(redis, `${deployment.prefix}{c:*}:d:*`, (key) => (recentHours.has(key.slice(key.lastIndexOf(':') + 1)) ? 'recent' : 'history'));
    const buckets = await keyBytes(redis, `${deployment.prefix}{c:*}:b:*`, () => 'all');
    const { log } = deployment;
    const { recent, history } = deployment.prefilled;
    context.record({
      phase: 'memory',
      log,
      name: 'dedupe per event',
      value: (dedupe.get('recent') ?? 0) / recent,
      unit: 'B/event',
      target: { value: 64, kind: 'max' },
      note: `${(recent / deployment.customers).toFixed(0)} events per customer-hour`,
    });
    if (history > 0) {
      context.record({ phase: 'memory', log, name: 'dedupe per event', value: (dedupe.get('history') ?? 0) / history, unit: 'B/event', note: '1 event per customer-hour' });
    }
    const customerMeterDays = benchMeters.length * (deployment.customers + deployment.historyCustomers * historyDays);
    context.record({ phase: 'memory', log, name: 'buckets per customer-meter-day', value: (buckets.get('all') ?? 0) / customerMeterDays, unit: 'B/day' });
  } finally {
    redis.disconnect();
  }
}
