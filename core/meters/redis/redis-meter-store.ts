import type { Redis } from 'ioredis';
import type { Granularity, MeterAggregateRequest, MeterAggregateRow, MeterQueryStore } from '../meter-query-store.js';
import { BUCKET_MS, bucketStart, customerBase, DAY_MS, LAYOUT, meterCustomersKey, timePart } from './bucket-layout.js';
import { emptyState, foldBucket, mergeState, stateValue, type BucketState } from './bucket-state.js';
import { readUniqueCounts } from './unique-count-reader.js';

export interface RedisMeterStoreOptions {
  redis: Redis;
  prefix: string;
  retentionMs: Record<Granularity, number>;
}

/** One (customer, group) of a meter, with the dimensions the answer keeps apart. */
export interface MeterGroup {
  customerId: string;
  gid: string;
  /** Projection onto `request.groupBy`; rows with equal projections are merged. */
  rowDimensions: Record<string, string>;
}

const FIELD = /^(\d+)([a-z]?)$/;

/**
 * Answers meter queries from the worker's buckets: one pipelined read of the
 * customers' group indexes, then one HGETALL per bucket hash covering the
 * windows (a hash holds an hour of minutes, a day of hours or a month of
 * days), merged per window and requested dimensions.
 */
export function createRedisMeterStore({ redis, prefix, retentionMs }: RedisMeterStoreOptions): MeterQueryStore {
  const findGroups = async (request: MeterAggregateRequest): Promise<MeterGroup[]> => {
    const { meter, filters, groupBy } = request;
    const customerIds = request.customerIds ?? (await redis.smembers(meterCustomersKey(prefix, meter.id))).sort();
    const pipeline = redis.pipeline();
    for (const customerId of customerIds) pipeline.hgetall(`${customerBase(prefix, customerId)}g:${meter.id}`);
    const indexes = await execAll<Record<string, string>>(pipeline);
    const groups: MeterGroup[] = [];
    customerIds.forEach((customerId, i) => {
      for (const [gid, json] of Object.entries(indexes[i] ?? {})) {
        const dimensions: Record<string, string> = { ...(JSON.parse(json) as Record<string, string>), customer_id: customerId };
        const matches = Object.entries(filters).every(([key, values]) => values.length === 0 || values.includes(dimensions[key] ?? ''));
        if (!matches) continue;
        const rowDimensions: Record<string, string> = {};
        for (const key of groupBy) rowDimensions[key] = dimensions[key] ?? '';
        groups.push({ customerId, gid, rowDimensions });
      }
    });
    return groups;
  };

  return {
    retentionStartMs(granularity, nowMs) {
      const oldest = nowMs - retentionMs[granularity];
      const start = bucketStart(granularity, oldest);
      return start < oldest ? start + BUCKET_MS[granularity] : start;
    },

    async aggregate(request) {
      const groups = await findGroups(request);
      if (groups.length === 0) return [];
      if (request.meter.aggregation === 'UNIQUE_COUNT') return readUniqueCounts({ redis, prefix, request, groups });
      const { meter, windows } = request;
      const reads: Array<{ group: MeterGroup; window: number; key: string; keyStart: number; granularity: Granularity }> = [];
      const keys = new Map<string, number>();
      groups.forEach((group) => {
        const base = `${customerBase(prefix, group.customerId)}b:${meter.id}:${group.gid}:`;
        windows.forEach(({ fromMs, toMs, granularity = request.granularity }, window) => {
          const layout = LAYOUT[granularity];
          for (let keyStart = layout.keyStart(fromMs); keyStart < toMs; keyStart = layout.keyEnd(keyStart)) {
            const key = `${base}${layout.code}:${timePart(keyStart)}`;
            if (!keys.has(key)) keys.set(key, keys.size);
            reads.push({ group, window, key, keyStart, granularity });
          }
        });
      });
      const pipeline = redis.pipeline();
      for (const key of keys.keys()) pipeline.hgetall(key);
      const hashes = (await execAll<Record<string, string>>(pipeline)).map(parseBuckets);

      const rows = new Map<string, { window: number; dimensions: Record<string, string>; state: BucketState }>();
      for (const { group, window: index, key, keyStart, granularity } of reads) {
        const buckets = hashes[keys.get(key) ?? -1];
        const { fromMs, toMs, mergeInto } = windows[index] ?? { fromMs: 0, toMs: 0 };
        const window = mergeInto ?? index;
        const state = emptyState();
        let seen = false;
        for (const [field, fields] of buckets ?? []) {
          const start = granularity === 'day' ? keyStart + (field - 1) * DAY_MS : keyStart + field * BUCKET_MS[granularity];
          if (start < fromMs || start >= toMs) continue;
          foldBucket(meter.aggregation, state, fields);
          seen = true;
        }
        if (!seen) continue;
        const rowKey = `${window}\u0000${JSON.stringify(group.rowDimensions)}`;
        const row = rows.get(rowKey);
        if (row) mergeState(meter.aggregation, row.state, state);
        else rows.set(rowKey, { window, dimensions: group.rowDimensions, state });
      }
      return [...rows.values()]
        .sort((a, b) => a.window - b.window)
        .map(({ window, dimensions, state }): MeterAggregateRow => ({ window, dimensions, value: stateValue(meter.aggregation, state) }));
    },
  };
}

/** Bucket field -> its sub-fields ("" main, "n" count, "t" time). */
function parseBuckets(hash: Record<string, string> | undefined): Map<number, Record<string, string>> {
  const buckets = new Map<number, Record<string, string>>();
  for (const [name, value] of Object.entries(hash ?? {})) {
    const match = FIELD.exec(name);
    if (!match) continue;
    const field = Number(match[1]);
    const fields = buckets.get(field) ?? {};
    fields[match[2] ?? ''] = value;
    buckets.set(field, fields);
  }
  return buckets;
}

/** Runs a pipeline; rejects with the first command error. */
async function execAll<T>(pipeline: ReturnType<Redis['pipeline']>): Promise<T[]> {
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, reply]) => {
    if (error) throw error;
    return reply as T;
  });
}
