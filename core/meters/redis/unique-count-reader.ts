import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { MeterAggregateRequest, MeterAggregateRow } from '../meter-query-store.js';
import { BUCKET_MS, customerBase, LAYOUT, timePart } from './bucket-layout.js';
import { readUniquePipeline, type ReadUniqueReply } from './read-unique-script.js';

interface UniqueRow {
  window: number;
  dimensions: Record<string, string>;
  members: Set<string>;
  /** Keys of buckets that outgrew the exact limit and hold a HyperLogLog. */
  sketchKeys: string[];
  estimate?: number;
}

/**
 * UNIQUE_COUNT over windows: the union of the windows' bucket sets. One
 * script call per customer (one round trip in all) filters its groups and
 * returns, per group and window, the union of the window's sets. While
 * every bucket is still an exact set the answer is exact; once one turned
 * into a HyperLogLog, sets and sketches are merged by Redis (PFMERGE/PFADD
 * on temporary keys under a hash tag of their own, so this stays valid on
 * Redis Cluster) and the answer carries HyperLogLog's ~0.81% standard error.
 */
export async function readUniqueCounts({ redis, prefix, request, customerIds, groupFilters }: {
  redis: Redis;
  prefix: string;
  request: MeterAggregateRequest;
  /** Customers to read, already filtered on `customer_id`. */
  customerIds: readonly string[];
  /** The other filters, as the read script takes them. */
  groupFilters: string;
}): Promise<MeterAggregateRow[]> {
  const { meter, windows, groupBy } = request;
  // Per answer window: its number, how many buckets, their key suffixes (the same for every group).
  const bucketsOf = new Map<number, string[]>();
  windows.forEach((part, index) => {
    const { fromMs, toMs, granularity = request.granularity, mergeInto = index } = part;
    const code = LAYOUT[granularity].code;
    const suffixes = bucketsOf.get(mergeInto) ?? [];
    for (let start = fromMs; start < toMs; start += BUCKET_MS[granularity]) suffixes.push(`${code}:${timePart(start)}`);
    bucketsOf.set(mergeInto, suffixes);
  });
  const windowArgs: string[] = [];
  for (const [window, suffixes] of bucketsOf) if (suffixes.length > 0) windowArgs.push(String(window), String(suffixes.length), ...suffixes);
  if (windowArgs.length === 0) return [];
  const pipeline = readUniquePipeline(redis);
  for (const customerId of customerIds) {
    const base = customerBase(prefix, customerId);
    pipeline.tallyReadUnique(1, `${base}g:${meter.id}`, `${base}u:${meter.id}:`, groupFilters, ...windowArgs);
  }
  const replies = ((await pipeline.exec()) ?? []).map(([error, reply]) => {
    if (error) throw error;
    return reply as ReadUniqueReply;
  });

  const rows = new Map<string, UniqueRow>();
  replies.forEach((reply, c) => {
    for (const [, json, groupWindows] of reply) {
      const dimensions: Record<string, string> = { ...(JSON.parse(json) as Record<string, string>), customer_id: customerIds[c]! };
      const rowDimensions: Record<string, string> = {};
      for (const key of groupBy) rowDimensions[key] = dimensions[key] ?? '';
      const projection = JSON.stringify(rowDimensions);
      for (const [windowText, members, sketchKeys] of groupWindows) {
        const window = Number(windowText);
        const rowKey = `${window}\u0000${projection}`;
        let row = rows.get(rowKey);
        if (!row) rows.set(rowKey, (row = { window, dimensions: rowDimensions, members: new Set(), sketchKeys: [] }));
        for (const member of members) row.members.add(member);
        row.sketchKeys.push(...sketchKeys);
      }
    }
  });
  const sketched = [...rows.values()].filter((row) => row.sketchKeys.length > 0);
  if (sketched.length > 0) await estimate(redis, prefix, sketched);
  return [...rows.values()]
    .sort((a, b) => a.window - b.window)
    .map((row) => ({ window: row.window, dimensions: row.dimensions, value: row.estimate ?? row.members.size }));
}

/** Copies each row's sketches next to each other, adds the exact members, and counts the union. */
async function estimate(redis: Redis, prefix: string, rows: UniqueRow[]): Promise<void> {
  const fetch = redis.pipeline();
  for (const row of rows) for (const key of row.sketchKeys) fetch.getBuffer(key);
  const raws = ((await fetch.exec()) ?? []).map(([error, raw]) => {
    if (error) throw error;
    return raw as Buffer | null;
  });
  const tmp = `${prefix}{q:${randomUUID()}}:`;
  const merge = redis.multi();
  let next = 0;
  let queued = 0;
  const countAt: number[] = [];
  rows.forEach((row, r) => {
    const dest = `${tmp}${r}`;
    const sources: string[] = [];
    for (let s = 0; s < row.sketchKeys.length; s++) {
      const raw = raws[next++];
      if (!raw) continue; // expired between the two reads
      sources.push(`${dest}:${s}`);
      merge.set(`${dest}:${s}`, raw);
      queued++;
    }
    merge.pfmerge(dest, ...sources);
    queued++;
    if (row.members.size > 0) {
      merge.pfadd(dest, ...row.members);
      queued++;
    }
    countAt[r] = queued++;
    merge.pfcount(dest);
    merge.del(dest, ...sources);
    queued++;
  });
  const replies = (await merge.exec()) ?? [];
  rows.forEach((row, r) => {
    const [error, count] = replies[countAt[r] ?? -1] ?? [new Error('missing reply'), 0];
    if (error) throw error;
    row.estimate = Number(count);
  });
}
