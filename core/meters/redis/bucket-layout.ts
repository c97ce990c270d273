import { hash } from 'node:crypto';
import type { Granularity } from '../meter-query-store.js';

/**
 * Where the worker keeps a customer's meter state in Redis. Every key of a
 * customer starts with `<prefix>{c:<customerId>}:` so they share one Redis
 * Cluster slot and one script can update them all. Times in key names are
 * epoch seconds in base 36 (short keys are most of a small key's memory).
 *
 * - `b:<meterId>:<gid>:m:<hour>`  hash, minute buckets of one hour (fields 0-59)
 * - `b:<meterId>:<gid>:h:<day>`   hash, hour buckets of one UTC day (fields 0-23)
 * - `b:<meterId>:<gid>:d:<month>` hash, day buckets of one UTC month (fields 1-31)
 * - `u:<meterId>:<gid>:<m|h|d>:<bucket start>` UNIQUE_COUNT: set, then HyperLogLog
 * - `g:<meterId>` hash, gid -> JSON of the group's dimensions
 * - `d:<hour>` hash, dedupe markers of events whose time is in that hour
 */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export function customerBase(prefix: string, customerId: string): string {
  return `${prefix}{c:${customerId}}:`;
}

/** Set of customer ids with data for a meter (the query side's "every customer"). */
export function meterCustomersKey(prefix: string, meterId: string): string {
  return `${prefix}{m:${meterId}}:customers`;
}

export function timePart(ms: number): string {
  return Math.floor(ms / 1000).toString(36);
}

/** Granularity -> key code, bucket length, and the span of time one hash holds. */
export const LAYOUT: Record<Granularity, { code: string; keyStart: (ms: number) => number; keyEnd: (keyStartMs: number) => number; field: (ms: number) => number }> = {
  minute: {
    code: 'm',
    keyStart: (ms) => ms - mod(ms, HOUR_MS),
    keyEnd: (start) => start + HOUR_MS,
    field: (ms) => Math.floor(mod(ms, HOUR_MS) / 60_000),
  },
  hour: {
    code: 'h',
    keyStart: (ms) => ms - mod(ms, DAY_MS),
    keyEnd: (start) => start + DAY_MS,
    field: (ms) => Math.floor(mod(ms, DAY_MS) / HOUR_MS),
  },
  day: {
    code: 'd',
    keyStart: (ms) => {
      const date = new Date(ms);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    },
    keyEnd: (start) => {
      const date = new Date(start);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    },
    field: (ms) => new Date(ms).getUTCDate(),
  },
};

export const BUCKET_MS: Record<Granularity, number> = { minute: 60_000, hour: HOUR_MS, day: DAY_MS };

export function bucketStart(granularity: Granularity, ms: number): number {
  return ms - mod(ms, BUCKET_MS[granularity]);
}

/**
 * A group's id: a short hash of its dimensions (sorted keys). Ten base64url
 * characters (60 bits) keep collisions out of reach for the groups of one
 * customer and meter.
 */
export function groupId(dimensions: Record<string, string>): string {
  return shortHash(dimensionsJson(dimensions));
}

export function dimensionsJson(dimensions: Record<string, string>): string {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(dimensions).sort()) sorted[key] = dimensions[key] ?? '';
  return JSON.stringify(sorted);
}

export function shortHash(text: string): string {
  // The one-shot form: a third of createHash()'s cost for short texts.
  return hash('sha1', text, 'base64url').slice(0, 10);
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}
