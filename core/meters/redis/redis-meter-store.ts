import type { Redis } from 'ioredis';
import type { Granularity, MeterAggregateRequest, MeterAggregateRow, MeterQueryStore } from '../meter-query-store.js';
import { parseBucketHash, type BucketHash } from './bucket-hash.js';
import { BUCKET_MS, bucketStart, customerBase, meterCustomersKey } from './bucket-layout.js';
import { mergeReads, planBucketReads } from './bucket-reads.js';
import { readHashesPipeline } from './read-hashes-script.js';
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

/**
 * Answers meter queries from the worker's buckets: one pipelined read of the
 * customers' group indexes, then one round trip with one script call per
 * customer returning every bucket hash covering the windows whole (a hash
 * holds an hour of minutes, a day of hours or a month of days), parsed once
 * into slot arrays and merged per window and requested dimensions.
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
      const plan = planBucketReads(prefix, request, groups);
      const pipeline = readHashesPipeline(redis);
      for (const { keys } of plan.customers) pipeline.tallyReadHashes(keys.length, ...keys);
      const replies = await execAll<string[][]>(pipeline);
      const hashes: BucketHash[] = [];
      replies.forEach((flats, c) => {
        const { granularities } = plan.customers[c]!;
        flats.forEach((flat, k) => hashes.push(parseBucketHash(granularities[k]!, flat)));
      });
      return mergeReads(request.meter.aggregation, plan, hashes);
    },
  };
}

/** Runs a pipeline; rejects with the first command error. */
async function execAll<T>(pipeline: ReturnType<Redis['pipeline']>): Promise<T[]> {
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, reply]) => {
    if (error) throw error;
    return reply as T;
  });
}
