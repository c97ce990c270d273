import type { Redis } from 'ioredis';
import type { Aggregation } from '../meter.js';
import type { Granularity } from '../meter-query-store.js';
import type { MeterWriter, WriteItem } from '../meter-writer.js';
import { defineApplyScript } from './apply-script.js';
import { bucketStart, customerBase, dimensionsJson, groupId, LAYOUT, meterCustomersKey, timePart } from './bucket-layout.js';
import { eventField } from './event-field.js';
import { createHourInfo, type HourInfo } from './hour-info.js';
import { createWriterCaches } from './writer-caches.js';

export interface RedisMeterWriterOptions {
  redis: Redis;
  prefix: string;
  dedupeTtlMs: number;
  retentionMs: Record<Granularity, number>;
  uniqueCountExactLimit: number;
  /** Events per script call; bigger chunks amortize the call, smaller ones keep Redis responsive. */
  chunkEvents: number;
  /** One customer per script call; default: when `redis` is a Redis Cluster client (calls must be single-slot). */
  callPerCustomer?: boolean;
  now?: () => number;
}

const OPS: Record<Aggregation, string> = { SUM: 'S', COUNT: 'C', AVG: 'A', MIN: 'm', MAX: 'M', LATEST: 'L', UNIQUE_COUNT: 'U' };
const GRANULARITIES: Granularity[] = ['minute', 'hour', 'day'];

interface Applied {
  customerId: string;
  dedupeKey: string;
  dedupeExpireAt: number;
  meterGroups: string[];
  keyTimes: string[];
}


interface Call {
  bases: Map<string, number>;
  groups: Map<string, number>;
  args: Array<string | number>;
  customers: string[];
  /** Per event: what to remember once it is known to be applied. */
  remember: Applied[];
  /** Hour start -> its index in the call's hour table, and that table's values (six per hour). */
  hours: Map<number, number>;
  hourArgs: Array<string | number>;
  /** (meter, customer) pairs to add to the meters' customer sets with this call. */
  listings: Array<[string, string]>;
  /** The script's reply once sent. */
  reply?: Promise<string>;
}

/**
 * Chunks of events go to Redis as script calls, each sent as soon as it is
 * built so that Redis works while the next one is prepared. On a single Redis a call carries events of many customers (the
 * common case is a handful of events per customer per batch, and the call
 * itself is the cost); on Redis Cluster each call carries one customer's.
 * Everything derivable in JS (key names, fields, expiry, whether a key's
 * expiry or a group's dimensions were already written) is, so the script
 * only writes.
 */
export function createRedisMeterWriter(options: RedisMeterWriterOptions): MeterWriter {
  const { prefix, dedupeTtlMs, retentionMs, uniqueCountExactLimit, chunkEvents, now = Date.now } = options;
  const redis = defineApplyScript(options.redis);
  const perCustomerCalls = options.callPerCustomer ?? (options.redis as { isCluster?: boolean }).isCluster === true;
  const caches = createWriterCaches();

  const indexIn = (map: Map<string, number>, key: string) => {
    let index = map.get(key);
    if (index === undefined) {
      index = map.size + 1;
      map.set(key, index);
    }
    return index;
  };

  const hourInfo = createHourInfo({ retentionMs, dedupeTtlMs });

  const pushEvent = (call: Call, customerId: string, item: WriteItem, hours: Map<number, HourInfo>, nowMs: number, listed: (meterId: string) => void) => {
    const { namespace, event } = item.record;
    const timeMs = Date.parse(event.time);
    const hourStart = LAYOUT.minute.keyStart(timeMs);
    let hour = hours.get(hourStart);
    if (!hour) {
      hour = hourInfo(hourStart, nowMs);
      hours.set(hourStart, hour);
    }
    const { keyTimes, expiries } = hour;
    let hourIndex = call.hours.get(hourStart);
    if (hourIndex === undefined) {
      hourIndex = call.hours.size + 1;
      call.hours.set(hourStart, hourIndex);
      call.hourArgs.push(hour.hourPart, keyTimes[0] ?? '', keyTimes[1] ?? '', keyTimes[2] ?? '', hour.fields[1] ?? '', hour.fields[2] ?? '');
    }
    const dedupeKey = `${customerId}|${hourStart}`;
    const remember: Applied = { customerId, dedupeKey, dedupeExpireAt: hour.dedupeExpireAt, meterGroups: [], keyTimes };
    const dedupeExpireAt = caches.dedupeExpiry(dedupeKey, hour.dedupeExpireAt);
    const args = call.args;
    const count = item.contributions.length;
    args.push(
      indexIn(call.bases, customerBase(prefix, customerId)),
      hourIndex,
      eventField(namespace, event.source, event.id),
      timeMs,
      keyTimes[0] ? Math.floor((timeMs - hourStart) / 60_000) : '',
    );
    if (dedupeExpireAt === '') args.push(count);
    else args.push(-count - 1, dedupeExpireAt);
    for (const { meter, dimensions, value } of item.contributions) {
      const meterGroup = `${meter.id}:${caches.groupId(meter, dimensions, () => groupId(dimensions))}`;
      const op = OPS[meter.aggregation];
      const known = caches.group(customerId, meterGroup);
      let expiring = '';
      if (op === 'U' || !known || known.expired[0] !== keyTimes[0] || known.expired[1] !== keyTimes[1] || known.expired[2] !== keyTimes[2]) {
        // UNIQUE_COUNT keys get their expiry when the script creates them: always send it.
        expiring = keyTimes.map((keyTime, g) => (keyTime !== '' && (op === 'U' || known?.expired[g] !== keyTime) ? expiries[g] : '')).join(',');
      }
      const groupIndex = indexIn(call.groups, meterGroup);
      if (known && expiring === '') args.push(op, String(value), groupIndex);
      else args.push(`${op}+`, String(value), groupIndex, known ? '' : dimensionsJson(dimensions), expiring);
      if (op === 'U') for (const granularity of GRANULARITIES) args.push(timePart(bucketStart(granularity, timeMs)));
      if (!known) listed(meter.id);
      remember.meterGroups.push(meterGroup);
    }
    call.customers.push(customerId);
    call.remember.push(remember);
  };

  /** Sends a call at once, so Redis runs it while the next one is built. */
  const send = (call: Call) => {
    const pipeline = redis.pipeline();
    // Before the script: a listed customer without data is harmless, the reverse is not.
    for (const [meterId, customerId] of call.listings) pipeline.sadd(meterCustomersKey(prefix, meterId), customerId);
    const { bases, groups, hours, hourArgs, args, customers } = call;
    (pipeline as unknown as typeof redis).tallyApplyEvents(
      bases.size, ...bases.keys(), uniqueCountExactLimit, customers.length, groups.size, hours.size, ...groups.keys(), ...hourArgs, ...args,
    );
    call.reply = pipeline.exec().then((replies) => {
      const failed = replies?.find(([error]) => error);
      if (failed) throw failed[0];
      return String(replies?.[replies.length - 1]?.[1] ?? '');
    });
  };

  return {
    async write(byCustomer) {
      const nowMs = now();
      caches.expireOld(nowMs);
      const hours = new Map<number, HourInfo>();
      const calls: Call[] = [];
      let call: Call | undefined;
      const listings = new Set<string>();
      for (const [customerId, items] of byCustomer) {
        if (perCustomerCalls && call) {
          send(call);
          call = undefined;
        }
        const listed = (meterId: string) => {
          if (listings.has(`${meterId}:${customerId}`)) return;
          listings.add(`${meterId}:${customerId}`);
          call?.listings.push([meterId, customerId]);
        };
        for (const item of items) {
          if (!call || call.customers.length >= chunkEvents) {
            if (call) send(call);
            call = { bases: new Map(), groups: new Map(), hours: new Map(), hourArgs: [], args: [], customers: [], remember: [], listings: [] };
            calls.push(call);
          }
          pushEvent(call, customerId, item, hours, nowMs, listed);
        }
      }
      if (call) send(call);
      const settled = await Promise.allSettled(calls.map((c) => c.reply));
      const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (failed) {
        caches.clear(); // some of what they remember may not have been written
        throw failed.reason;
      }
      const result = new Map<string, boolean[]>();
      calls.forEach(({ customers, remember }, c) => {
        const outcome = settled[c];
        const reply = outcome?.status === 'fulfilled' ? (outcome.value ?? '') : '';
        customers.forEach((customerId, e) => {
          const applied = reply[e] === '1';
          const notes = remember[e];
          if (applied && notes) {
            caches.rememberDedupeExpiry(notes.dedupeKey, notes.dedupeExpireAt);
            for (const meterGroup of notes.meterGroups) caches.rememberGroup(notes.customerId, meterGroup, notes.keyTimes);
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
