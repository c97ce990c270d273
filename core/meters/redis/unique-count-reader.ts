import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { MeterAggregateRequest, MeterAggregateRow } from '../meter-query-store.js';
import { BUCKET_MS, customerBase, LAYOUT, timePart } from './bucket-layout.js';
import type { MeterGroup } from './redis-meter-store.js';

interface UniqueRow {
  window: number;
  dimensions: Record<string, string>;
  members: Set<string>;
  /** Keys of buckets that outgrew the exact limit and hold a HyperLogLog. */
  sketchKeys: string[];
  estimate?: number;
}

/**
 * UNIQUE_COUNT over windows: the union of the windows' bucket sets. While
 * every bucket is still an exact set the answer is exact; once one turned
 * into a HyperLogLog, sets and sketches are merged by Redis (PFMERGE/PFADD
 * on temporary keys under a hash tag of their own, so this stays valid on
 * Redis Cluster) and the answer carries HyperLogLog's ~0.81% standard error.
 */
export async function readUniqueCounts({ redis, prefix, request, groups }: {
  redis: Redis;
  prefix: string;
  request: MeterAggregateRequest;
  groups: readonly MeterGroup[];
}): Promise<MeterAggregateRow[]> {
  const { meter, windows } = request;
  const reads: Array<{ rowKey: string; window: number; group: MeterGroup; keys: string[] }> = [];
  for (const group of groups) {
    const base = `${customerBase(prefix, group.customerId)}u:${meter.id}:${group.gid}:`;
    windows.forEach(({ fromMs, toMs, granularity = request.granularity, mergeInto }, index) => {
      const window = mergeInto ?? index;
      const code = LAYOUT[granularity].code;
      const step = BUCKET_MS[granularity];
      const keys: string[] = [];
      for (let start = fromMs; start < toMs; start += step) keys.push(`${base}${code}:${timePart(start)}`);
      if (keys.length > 0) reads.push({ rowKey: `${window}\u0000${JSON.stringify(group.rowDimensions)}`, window, group, keys });
    });
  }
  // One SUNION per group and window part (its keys share the customer's slot); a part holding a sketch is read key by key.
  const unions = redis.pipeline();
  for (const read of reads) unions.sunion(...read.keys);
  const replies = (await unions.exec()) ?? [];
  const rows = new Map<string, UniqueRow>();
  const rowOf = (read: (typeof reads)[number]) => {
    let row = rows.get(read.rowKey);
    if (!row) {
      row = { window: read.window, dimensions: read.group.rowDimensions, members: new Set(), sketchKeys: [] };
      rows.set(read.rowKey, row);
    }
    return row;
  };
  const sketchy: typeof reads = [];
  replies.forEach(([error, reply], i) => {
    const read = reads[i]!;
    if (error && String(error).includes('WRONGTYPE')) return void sketchy.push(read);
    if (error) throw error;
    const members = (reply ?? []) as string[];
    if (members.length === 0) return;
    const row = rowOf(read);
    for (const member of members) row.members.add(member);
  });
  if (sketchy.length > 0) {
    const perKey = redis.pipeline();
    const keyReads = sketchy.flatMap((read) => read.keys.map((key) => ({ read, key })));
    for (const { key } of keyReads) perKey.smembers(key);
    ((await perKey.exec()) ?? []).forEach(([error, reply], i) => {
      const { read, key } = keyReads[i]!;
      const isSketch = error !== null && String(error).includes('WRONGTYPE');
      if (error && !isSketch) throw error;
      const members = isSketch ? [] : ((reply ?? []) as string[]);
      if (!isSketch && members.length === 0) return;
      const row = rowOf(read);
      for (const member of members) row.members.add(member);
      if (isSketch) row.sketchKeys.push(key);
    });
  }
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
