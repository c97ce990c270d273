import type { Redis } from 'ioredis';
import type { Aggregation } from '../meter.js';
import type { Granularity } from '../meter-query-store.js';
import type { MeterWriter, WriteItem } from '../meter-writer.js';
import { defineApplyScript } from './apply-script.js';
import { bucketStart, customerBase, dimensionsJson, groupId, HOUR_MS, LAYOUT, meterCustomersKey, shortHash, timePart } from './bucket-layout.js';
import { createWriterCaches } from './writer-caches.js';

export interface RedisMeterWriterOptions {
  redis: Redis;
  prefix: string;
  dedupeTtlMs: number;
  retentionMs: Record<Granularity, number>;
  uniqueCountExactLimit: number;
  /** Events per script call; bigger chunks amortize the call, smaller ones keep Redis responsive. */
  chunkEvents: number;
  now?: () => number;
}

const OPS: Record<Aggregation, string> = { SUM: 'S', COUNT: 'C', AVG: 'A', MIN: 'm', MAX: 'M', LATEST: 'L', UNIQUE_COUNT: 'U' };
const GRANULARITIES: Granularity[] = ['minute', 'hour', 'day'];

interface Applied {
  dedupeKey: string;
  dedupeExpireAt: number;
  groupKeys: string[];
  keyTimes: string[];
}

interface Call {
  bases: Map<string, number>;
  groups: Map<string, number>;
  args: Array<string | number>;
  customers: string[];
  /** Per event: what to remember once it is known to be applied. */
  remember: Applied[];
}

/**
 * Chunks of events go to Redis as script calls, every call of a batch in one
 * pipeline. On a single Redis a call carries events of many customers (the
 * common case is a handful of events per customer per batch, and the call
 * itself is the cost); on Redis Cluster each call carries one customer's.
 * Everything derivable in JS (key names, fields, expiry, whether a key's
 * expiry or a group's dimensions were already written) is, so the script
 * only writes.
 */
export function createRedisMeterWriter(options: RedisMeterWriterOptions): MeterWriter {
  const { prefix, dedupeTtlMs, retentionMs, uniqueCountExactLimit, chunkEvents, now = Date.now } = options;
  const redis = defineApplyScript(options.redis);
  const perCustomerCalls = (options.redis as { isCluster?: boolean }).isCluster === true;
  const caches = createWriterCaches();

  const indexIn = (map: Map<string, number>, key: string) => {
    let index = map.get(key);
    if (index === undefined) {
      index = map.size + 1;
      map.set(key, index);
    }
    return index;
  };

  const groupIdOf = (meterId: string, dimensions: Record<string, string>) => {
    let key = meterId;
    for (const name in dimensions) key += `\u0000${name}\u0000${dimensions[name]}`;
    return caches.groupId(key, () => groupId(dimensions));
  };

  const pushEvent = (call: Call, customerId: string, item: WriteItem, nowMs: number, listed: (meterId: string) => void) => {
    const base = customerBase(prefix, customerId);
    const { namespace, event } = item.record;
    const timeMs = Date.parse(event.time);
    const hourStart = LAYOUT.minute.keyStart(timeMs);
    const dedupeKey = `${customerId}|${hourStart}`;
    const dedupeExpireAt = Math.max(hourStart + HOUR_MS, nowMs) + dedupeTtlMs;
    const remember: Applied = { dedupeKey, dedupeExpireAt, groupKeys: [], keyTimes: [] };
    const fields = call.args;
    fields.push(
      indexIn(call.bases, base),
      timePart(hourStart),
      caches.dedupeExpiry(dedupeKey, dedupeExpireAt),
      shortHash(`${namespace}\u0000${event.source}\u0000${event.id}`),
      timeMs,
    );
    const keyTimes: string[] = [];
    const expiries: number[] = [];
    for (const granularity of GRANULARITIES) {
      const layout = LAYOUT[granularity];
      const start = layout.keyStart(timeMs);
      const expireAt = layout.keyEnd(start) + retentionMs[granularity];
      const keyTime = expireAt <= nowMs ? '' : timePart(start);
      keyTimes.push(keyTime);
      expiries.push(expireAt);
      fields.push(keyTime, keyTime === '' ? '' : layout.field(timeMs));
    }
    fields.push(item.contributions.length);
    for (const { meter, dimensions, value } of item.contributions) {
      const meterGroup = `${meter.id}:${groupIdOf(meter.id, dimensions)}`;
      const op = OPS[meter.aggregation];
      const groupKey = base + meterGroup;
      const known = caches.group(groupKey);
      // UNIQUE_COUNT keys get their expiry when the script creates them: always send it.
      const pending = keyTimes.map((keyTime, g) => (keyTime !== '' && (op === 'U' || known?.expired[g] !== keyTime) ? String(expiries[g]) : ''));
      fields.push(op, String(value), indexIn(call.groups, meterGroup), known ? '' : dimensionsJson(dimensions), pending.some(Boolean) ? pending.join(',') : '');
      if (op === 'U') for (const granularity of GRANULARITIES) fields.push(timePart(bucketStart(granularity, timeMs)));
      if (!known) listed(meter.id);
      remember.groupKeys.push(groupKey);
    }
    call.customers.push(customerId);
    remember.keyTimes = keyTimes;
    call.remember.push(remember);
  };

  return {
    async write(byCustomer) {
      const nowMs = now();
      caches.expireOld(nowMs);
      const pipeline = redis.pipeline();
      const calls: Call[] = [];
      let call: Call | undefined;
      const listings = new Set<string>();
      for (const [customerId, items] of byCustomer) {
        if (perCustomerCalls) call = undefined;
        // Before the scripts in the pipeline: a listed customer without data is harmless, the reverse is not.
        const listed = (meterId: string) => {
          if (listings.has(`${meterId}:${customerId}`)) return;
          listings.add(`${meterId}:${customerId}`);
          pipeline.sadd(meterCustomersKey(prefix, meterId), customerId);
        };
        for (const item of items) {
          if (!call || call.customers.length >= chunkEvents) {
            call = { bases: new Map(), groups: new Map(), args: [], customers: [], remember: [] };
            calls.push(call);
          }
          pushEvent(call, customerId, item, nowMs, listed);
        }
      }
      for (const { bases, groups, args, customers } of calls) {
        (pipeline as unknown as typeof redis).tallyApplyEvents(
          bases.size, ...bases.keys(), uniqueCountExactLimit, customers.length, groups.size, ...groups.keys(), ...args,
        );
      }
      if (calls.length === 0) return new Map();
      const replies = (await pipeline.exec()) ?? [];
      const failed = replies.find(([error]) => error);
      if (failed) {
        caches.clear(); // some of what they remember may not have been written
        throw failed[0];
      }
      const flags = replies.filter(([, reply]) => typeof reply === 'string').map(([, reply]) => reply as string);
      const result = new Map<string, boolean[]>();
      calls.forEach(({ customers, remember }, c) => {
        const reply = flags[c] ?? '';
        customers.forEach((customerId, e) => {
          const applied = reply[e] === '1';
          const notes = remember[e];
          if (applied && notes) {
            caches.rememberDedupeExpiry(notes.dedupeKey, notes.dedupeExpireAt);
            for (const groupKey of notes.groupKeys) caches.rememberGroup(groupKey, notes.keyTimes);
          }
          const list = result.get(customerId) ?? [];
          list.push(applied);
          result.set(customerId, list);
        });
      });
      return result;
    },
  };
}
