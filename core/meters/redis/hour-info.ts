import type { Granularity } from '../meter-query-store.js';
import { HOUR_MS, LAYOUT, timePart } from './bucket-layout.js';

/** What the apply script needs of an event's hour; the same for every event of that hour in a batch. */
export interface HourInfo {
  /** The dedupe hash's (and minute key's) time part. */
  hourPart: string;
  /** Minute, hour and day key times; "" when that granularity is already past retention. */
  keyTimes: string[];
  /** Hour and day fields (the minute field varies within the hour: "" here). */
  fields: Array<number | ''>;
  /** When each granularity's key expires. */
  expiries: number[];
  dedupeExpireAt: number;
}

const GRANULARITIES: Granularity[] = ['minute', 'hour', 'day'];

/** Computes an hour's key names, fields and expiries (month arithmetic included) once per hour and batch. */
export function createHourInfo({ retentionMs, dedupeTtlMs }: { retentionMs: Record<Granularity, number>; dedupeTtlMs: number }) {
  return (hourStart: number, nowMs: number): HourInfo => {
    const keyTimes: string[] = [];
    const fields: Array<number | ''> = [];
    const expiries: number[] = [];
    for (const granularity of GRANULARITIES) {
      const layout = LAYOUT[granularity];
      const start = layout.keyStart(hourStart);
      const expireAt = layout.keyEnd(start) + retentionMs[granularity];
      const keyTime = expireAt <= nowMs ? '' : timePart(start);
      keyTimes.push(keyTime);
      expiries.push(expireAt);
      fields.push(keyTime === '' || granularity === 'minute' ? '' : layout.field(hourStart));
    }
    // A marker lives the TTL past its hour, or past now for a late event.
    return { hourPart: timePart(hourStart), keyTimes, fields, expiries, dedupeExpireAt: Math.max(hourStart + HOUR_MS, nowMs) + dedupeTtlMs };
  };
}
