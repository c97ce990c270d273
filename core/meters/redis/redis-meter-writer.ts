import type { Redis } from 'ioredis';
import type { Aggregation } from '../meter.js';
import type { Granularity } from '../meter-query-store.js';
import type { MeterWriter, WriteItem } from '../meter-writer.js';
import { createApplyPayload, hourIndex, indexIn, isIntegral, payloadJson, scriptValue, type ApplyPayload } from './apply-payload.js';
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
/** SUM and AVG of an integer value add it with HINCRBY. */
const INTEGRAL_OPS: Record<Aggregation, string> = { ...OPS, SUM: 'I', AVG: 'a' };
const MINUTE_FIELDS = Array.from({ length: 60 }, (_, minute) => String(minute));
const isLatest = ({ meter }: { meter: { aggregation: Aggregation } }) => meter.aggregation === 'LATEST';
const GRANULARITIES: Granularity[] = ['minute', 'hour', 'day'];

/** What to remember of an event once it is known to be applied. */
interface Applied {
  customerId: string;
  hourStart: number;
  dedupeExpireAt: number;
  meterGroups: string[];
  keyTimes: string[];
}

interface Call {
  payload: ApplyPayload;
  customers: string[];
  remember: Applied[];
  /** (meter, customer) pairs to add to the meters' customer sets with this call. */
  listings: Array<[string, string]>;
}

/** What is kept of a call once sent: the payload is dropped at once, not held (and copied by GC) until the reply. */
interface SentCall {
  customers: string[];
  remember: Applied[];
  reply: Promise<string>;
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
  const hourInfo = createHourInfo({ retentionMs, dedupeTtlMs });

  const pushEvent = (call: Call, customerId: string, item: WriteItem, hour: HourInfo, hourStart: number, timeMs: number, listings: Set<string>) => {
    const { namespace, event } = item.record;
    const { payload } = call;
    const { keyTimes, expiries } = hour;
    const remember: Applied = { customerId, hourStart, dedupeExpireAt: hour.dedupeExpireAt, meterGroups: [], keyTimes };
    const dedupeExpireAt = caches.dedupeExpiry(customerId, hourStart, hour.dedupeExpireAt);
    const values = payload.values;
    const count = item.contributions.length;
    values.push(
      indexIn(payload.customers, customerId),
      hourIndex(payload, hourStart, hour),
      eventField(namespace, event.source, event.id),
      // Only LATEST orders by time; a number costs the script less than a text it would not use.
      item.contributions.some(isLatest) ? String(timeMs) : 0,
      keyTimes[0] ? MINUTE_FIELDS[Math.floor((timeMs - hourStart) / 60_000)] ?? '' : '',
    );
    if (dedupeExpireAt === 0) values.push(count);
    else values.push(-count - 1, String(dedupeExpireAt));
    for (const { meter, dimensions, value } of item.contributions) {
      const meterGroup = caches.meterGroup(meter, dimensions, groupId);
      const op = isIntegral(value) ? INTEGRAL_OPS[meter.aggregation] : OPS[meter.aggregation];
      const known = caches.group(customerId, meterGroup);
      let expiring: string[] | 0 = 0;
      if (op === 'U' || !known || known.expired[0] !== keyTimes[0] || known.expired[1] !== keyTimes[1] || known.expired[2] !== keyTimes[2]) {
        // UNIQUE_COUNT keys get their expiry when the script creates them: always send it.
        expiring = keyTimes.map((keyTime, g) => (keyTime !== '' && (op === 'U' || known?.expired[g] !== keyTime) ? String(expiries[g] ?? '') : ''));
      }
      const group = indexIn(payload.groups, meterGroup);
      if (known && expiring === 0) values.push(op, scriptValue(value), group);
      else values.push(`${op}+`, scriptValue(value), group, known ? '' : dimensionsJson(dimensions), expiring);
      if (op === 'U') for (const granularity of GRANULARITIES) values.push(timePart(bucketStart(granularity, timeMs)));
      if (!known && !listings.has(`${meter.id}:${customerId}`)) {
        listings.add(`${meter.id}:${customerId}`);
        call.listings.push([meter.id, customerId]);
      }
      remember.meterGroups.push(meterGroup);
    }
    payload.eventCount++;
    call.customers.push(customerId);
    call.remember.push(remember);
  };

  /** Sends a call at once, so Redis runs it while the next one is built. */
  const send = (call: Call): SentCall => {
    const pipeline = redis.pipeline();
    // Before the script: a listed customer without data is harmless, the reverse is not.
    for (const [meterId, customerId] of call.listings) pipeline.sadd(meterCustomersKey(prefix, meterId), customerId);
    const { payload } = call;
    const bases = Array.from(payload.customers.keys(), (customerId) => customerBase(prefix, customerId));
    // As UTF-8 bytes, encoded once: a string would be flattened to measure it, then again and encoded on the socket.
    (pipeline as unknown as typeof redis).tallyApplyEvents(bases.length, ...bases, Buffer.from(payloadJson(payload, uniqueCountExactLimit)));
    const reply = pipeline.exec().then((replies) => {
      const failed = replies?.find(([error]) => error);
      if (failed) throw failed[0];
      return String(replies?.[replies.length - 1]?.[1] ?? '');
    });
    return { customers: call.customers, remember: call.remember, reply };
  };

  const newCall = (): Call => ({ payload: createApplyPayload(), customers: [], remember: [], listings: [] });

  return {
    async write(byCustomer) {
      const nowMs = now();
      caches.expireOld(nowMs);
      const hours = new Map<number, HourInfo>();
      const calls: SentCall[] = [];
      let call: Call | undefined;
      const listings = new Set<string>();
      for (const [customerId, items] of byCustomer) {
        if (perCustomerCalls && call) {
          calls.push(send(call));
          call = undefined;
        }
        for (const item of items) {
          if (!call || call.payload.eventCount >= chunkEvents) {
            if (call) calls.push(send(call));
            call = newCall();
          }
          const timeMs = item.contributions[0]?.timeMs ?? Date.parse(item.record.event.time);
          const hourStart = LAYOUT.minute.keyStart(timeMs);
          let hour = hours.get(hourStart);
          if (!hour) {
            hour = hourInfo(hourStart, nowMs);
            hours.set(hourStart, hour);
          }
          pushEvent(call, customerId, item, hour, hourStart, timeMs, listings);
        }
      }
      if (call) calls.push(send(call));
      call = undefined;
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
            caches.rememberDedupeExpiry(notes.customerId, notes.hourStart, notes.dedupeExpireAt);
            for (const meterGroup of notes.meterGroups) caches.rememberGroup(notes.customerId, meterGroup, notes.keyTimes);
          }
          let list = result.get(customerId);
          if (!list) result.set(customerId, (list = []));
          list.push(applied);
        });
      });
      return result;
    },
  };
}
