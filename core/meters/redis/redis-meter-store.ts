import type { Redis } from 'ioredis';
import type { Granularity, MeterAggregateRequest, MeterQueryStore } from '../meter-query-store.js';
import { parseBucketHash } from './bucket-hash.js';
import { BUCKET_MS, bucketStart, customerBase, meterCustomersKey } from './bucket-layout.js';
import { mergeReads, planBucketReads, type BucketReadPlan, type GroupHashes } from './bucket-reads.js';
import { readMeterOnce, readMeterPipeline, type ReadMeterReply } from './read-meter-script.js';
import { readUniqueCounts } from './unique-count-reader.js';

export interface RedisMeterStoreOptions {
  redis: Redis;
  prefix: string;
  retentionMs: Record<Granularity, number>;
}

/**
 * Answers meter queries from the worker's buckets in one round trip: one
 * script call per customer returns its matching groups and, for each, every
 * bucket hash the windows touch, whole (a hash holds an hour of minutes, a
 * day of hours or a month of days); they are parsed once into slot arrays
 * and merged per window and requested dimensions. UNIQUE_COUNT is read the
 * same way, as unions of its sets (`unique-count-reader.ts`).
 */
export function createRedisMeterStore({ redis, prefix, retentionMs }: RedisMeterStoreOptions): MeterQueryStore {
  // The query service hands a kept plan's windows again for a repeated query: its reads are kept with them.
  const readPlans = new WeakMap<MeterAggregateRequest['windows'], { granularity: Granularity; plan: BucketReadPlan }>();
  const readPlanOf = (request: MeterAggregateRequest): BucketReadPlan => {
    const kept = readPlans.get(request.windows);
    if (kept?.granularity === request.granularity) return kept.plan;
    const plan = planBucketReads(request);
    readPlans.set(request.windows, { granularity: request.granularity, plan });
    return plan;
  };
  return {
    retentionStartMs(granularity, nowMs) {
      const oldest = nowMs - retentionMs[granularity];
      const start = bucketStart(granularity, oldest);
      return start < oldest ? start + BUCKET_MS[granularity] : start;
    },

    async aggregate(request) {
      const { meter, filters, groupBy } = request;
      const customerIds = (request.customerIds ?? (await redis.smembers(meterCustomersKey(prefix, meter.id))).sort()).filter((customerId) =>
        matchesFilter(filters, 'customer_id', customerId),
      );
      if (customerIds.length === 0) return [];
      // customer_id is one value per customer, decided above; the read scripts check the others on each group.
      const groupFilters = Object.fromEntries(Object.entries(filters).filter(([key, values]) => key !== 'customer_id' && values.length > 0));
      const filtersJson = JSON.stringify(groupFilters);
      if (meter.aggregation === 'UNIQUE_COUNT') return readUniqueCounts({ redis, prefix, request, customerIds, groupFilters: filtersJson });
      const plan = readPlanOf(request);
      const base = (customerId: string) => customerBase(prefix, customerId);
      let replies: ReadMeterReply[];
      if (customerIds.length === 1) {
        const only = base(customerIds[0]!);
        replies = [await readMeterOnce(redis, 1, `${only}g:${meter.id}`, `${only}b:${meter.id}:`, filtersJson, ...plan.suffixes)];
      } else {
        const pipeline = readMeterPipeline(redis);
        for (const customerId of customerIds) pipeline.tallyReadMeter(1, `${base(customerId)}g:${meter.id}`, `${base(customerId)}b:${meter.id}:`, filtersJson, ...plan.suffixes);
        replies = await execAll<ReadMeterReply>(pipeline);
      }
      const groups: GroupHashes[] = [];
      replies.forEach((reply, c) => {
        for (const [, json, texts] of reply) {
          const dimensions: Record<string, string> = { ...(JSON.parse(json) as Record<string, string>), customer_id: customerIds[c]! };
          const rowDimensions: Record<string, string> = {};
          for (const key of groupBy) rowDimensions[key] = dimensions[key] ?? '';
          groups.push({ rowDimensions, hashes: texts.map((text, h) => parseBucketHash(plan.granularities[h]!, text)) });
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
