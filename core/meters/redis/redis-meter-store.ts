import type { Redis } from 'ioredis';
import type { Granularity, MeterAggregateRequest, MeterAggregateRow, MeterQueryStore } from '../meter-query-store.js';
import { parseBucketHash, type BucketHash } from './bucket-hash.js';
import { BUCKET_MS, bucketStart, customerBase, meterCustomersKey } from './bucket-layout.js';
import { mergeReads, planBucketReads, type GroupHashes } from './bucket-reads.js';
import { readMeterPipeline, type ReadMeterReply } from './read-meter-script.js';
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
 * Answers meter queries from the worker's buckets in one round trip: one
 * script call per customer returns its matching groups and, for each, every
 * bucket hash the windows touch, whole (a hash holds an hour of minutes, a
 * day of hours or a month of days); they are parsed once into slot arrays
 * and merged per window and requested dimensions. UNIQUE_COUNT reads the
 * group indexes first, then its sets (`unique-count-reader.ts`).
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
        if (!Object.keys(filters).every((key) => matchesFilter(filters, key, dimensions[key] ?? ''))) continue;
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
      if (request.meter.aggregation === 'UNIQUE_COUNT') {
        const groups = await findGroups(request);
        return groups.length === 0 ? [] : readUniqueCounts({ redis, prefix, request, groups });
      }
      const { meter, filters, groupBy } = request;
      const customerIds = (request.customerIds ?? (await redis.smembers(meterCustomersKey(prefix, meter.id))).sort()).filter((customerId) =>
        matchesFilter(filters, 'customer_id', customerId),
      );
      if (customerIds.length === 0) return [];
      const plan = planBucketReads(request);
      // customer_id is one value per customer, decided above; the script checks the others on each group.
      const groupFilters = Object.fromEntries(Object.entries(filters).filter(([key, values]) => key !== 'customer_id' && values.length > 0));
      const filtersJson = JSON.stringify(groupFilters);
      const pipeline = readMeterPipeline(redis);
      for (const customerId of customerIds) {
        const base = customerBase(prefix, customerId);
        pipeline.tallyReadMeter(1, `${base}g:${meter.id}`, `${base}b:${meter.id}:`, filtersJson, ...plan.suffixes);
      }
      const replies = await execAll<ReadMeterReply>(pipeline);
      const groups: GroupHashes[] = [];
      replies.forEach((reply, c) => {
        for (const [, json, flats] of reply) {
          const dimensions: Record<string, string> = { ...(JSON.parse(json) as Record<string, string>), customer_id: customerIds[c]! };
          const rowDimensions: Record<string, string> = {};
          for (const key of groupBy) rowDimensions[key] = dimensions[key] ?? '';
          groups.push({ rowDimensions, hashes: flats.map((flat, h) => parseBucketHash(plan.granularities[h]!, flat)) });
        }
      });
      return mergeReads(meter.aggregation, plan, groups);
    },
  };
}

function matchesFilter(filters: MeterAggregateRequest['filters'], key: string, value: string): boolean {
  const values = filters[key];
  return values === undefined || values.length === 0 || values.includes(value);
}

/** Runs a pipeline; rejects with the first command error. */
async function execAll<T>(pipeline: ReturnType<Redis['pipeline']>): Promise<T[]> {
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, reply]) => {
    if (error) throw error;
    return reply as T;
  });
}
