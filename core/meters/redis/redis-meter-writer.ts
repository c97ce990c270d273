import type { Redis } from 'ioredis';
import type { Aggregation } from '../meter.js';
import type { Granularity } from '../meter-query-store.js';
import type { MeterWriter, WriteItem } from '../meter-writer.js';
import { defineApplyScript } from './apply-script.js';
import { bucketStart, customerBase, dimensionsJson, HOUR_MS, LAYOUT, meterCustomersKey, shortHash, timePart } from './bucket-layout.js';

export interface RedisMeterWriterOptions {
  redis: Redis;
  prefix: string;
  dedupeTtlMs: number;
  retentionMs: Record<Granularity, number>;
  uniqueCountExactLimit: number;
  /** Events per script call; bigger chunks amortize the round trip, smaller ones keep Redis responsive. */
  chunkEvents: number;
  now?: () => number;
}

const OPS: Record<Aggregation, string> = { SUM: 'S', COUNT: 'C', AVG: 'A', MIN: 'm', MAX: 'M', LATEST: 'L', UNIQUE_COUNT: 'U' };
const GRANULARITIES: Granularity[] = ['minute', 'hour', 'day'];

/**
 * One script call per customer per chunk of events, every call of a batch in
 * one pipeline. Everything derivable from the event time (key names, fields,
 * expiry) is computed here so the script only does the writes.
 */
export function createRedisMeterWriter(options: RedisMeterWriterOptions): MeterWriter {
  const { prefix, dedupeTtlMs, retentionMs, uniqueCountExactLimit, chunkEvents, now = Date.now } = options;
  const redis = defineApplyScript(options.redis);
  // (meter, customer) pairs already in the meter's customer set; SADD is idempotent, this only saves round trips.
  const listed = new Set<string>();

  const eventArgs = (args: Array<string | number>, item: WriteItem, nowMs: number) => {
    const { namespace, event } = item.record;
    const timeMs = Date.parse(event.time);
    const hourStart = LAYOUT.minute.keyStart(timeMs);
    const hourEnd = hourStart + HOUR_MS;
    args.push(timePart(hourStart), Math.max(hourEnd, nowMs) + dedupeTtlMs, nowMs > hourEnd ? '1' : '0');
    args.push(shortHash(`${namespace}\u0000${event.source}\u0000${event.id}`), timeMs);
    for (const granularity of GRANULARITIES) {
      const layout = LAYOUT[granularity];
      const start = layout.keyStart(timeMs);
      const expireAt = layout.keyEnd(start) + retentionMs[granularity];
      if (expireAt <= nowMs) args.push('', '', '');
      else args.push(timePart(start), layout.field(timeMs), expireAt);
    }
    for (const granularity of GRANULARITIES) args.push(timePart(bucketStart(granularity, timeMs)));
    args.push(item.contributions.length);
  };

  return {
    async write(byCustomer) {
      const nowMs = now();
      const pipeline = redis.pipeline();
      const calls: Array<{ customerId: string; count: number }> = [];
      for (const [customerId, items] of byCustomer) {
        const base = customerBase(prefix, customerId);
        for (let from = 0; from < items.length; from += chunkEvents) {
          const chunk = items.slice(from, from + chunkEvents);
          const args: Array<string | number> = [nowMs, dedupeTtlMs, uniqueCountExactLimit, chunk.length];
          const sentGroups = new Set<string>();
          for (const item of chunk) {
            eventArgs(args, item, nowMs);
            for (const { meter, dimensions, value } of item.contributions) {
              const json = dimensionsJson(dimensions);
              const meterGroup = `${meter.id}:${shortHash(json)}`;
              const first = !sentGroups.has(meterGroup);
              if (first) sentGroups.add(meterGroup);
              args.push(OPS[meter.aggregation], String(value), meterGroup, first ? json : '');
              const pair = `${meter.id}:${customerId}`;
              if (!listed.has(pair)) {
                if (listed.size >= 100_000) listed.clear();
                listed.add(pair);
                pipeline.sadd(meterCustomersKey(prefix, meter.id), customerId);
              }
            }
          }
          (pipeline as unknown as typeof redis).tallyApplyEvents(base, ...args);
          calls.push({ customerId, count: chunk.length });
        }
      }
      if (calls.length === 0) return new Map();
      const replies = (await pipeline.exec()) ?? [];
      const failed = replies.find(([error]) => error);
      if (failed) {
        listed.clear(); // the SADDs of this batch may not have happened
        throw failed[0];
      }
      const scriptReplies = replies.filter(([, reply]) => typeof reply === 'string').map(([, reply]) => reply as string);
      const result = new Map<string, boolean[]>();
      calls.forEach(({ customerId }, index) => {
        const flags = result.get(customerId) ?? [];
        for (const flag of scriptReplies[index] ?? '') flags.push(flag === '1');
        result.set(customerId, flags);
      });
      return result;
    },
  };
}
