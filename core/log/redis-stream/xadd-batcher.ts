import type { Redis } from 'ioredis';
import type { LogRecord } from '../../events/cloud-event.js';
import { encodeRecord } from '../log-payload.js';

/**
 * Gathers the XADDs of every publish made in one turn of the event loop
 * into one pipeline: concurrent single-event requests then share one write
 * to Redis instead of paying one each. Each publish still learns the fate
 * of its own entries only: it fails if any of its XADDs failed, and every
 * publish of a pipeline that failed as a whole fails.
 */
export interface XaddBatcher {
  append(records: readonly LogRecord[]): Promise<void>;
}

interface Pending {
  records: readonly LogRecord[];
  resolve(): void;
  reject(error: unknown): void;
}

export function createXaddBatcher({ redis, streamKey, trim }: { redis: Redis; streamKey: string; trim: readonly string[] }): XaddBatcher {
  let pending: Pending[] = [];

  const flush = async () => {
    const entries = pending;
    pending = [];
    const pipeline = redis.pipeline();
    for (const entry of entries) {
      for (const record of entry.records) {
        const { namespace, ingestedAt, subject, event } = encodeRecord(record);
        pipeline.xadd(streamKey, ...trim, '*', 'ns', namespace, 'ingested_at', ingestedAt, 'subject', subject, 'event', event);
      }
    }
    try {
      const results = await pipeline.exec();
      if (!results) throw new Error('pipeline discarded');
      let offset = 0;
      for (const entry of entries) {
        const own = results.slice(offset, offset + entry.records.length);
        offset += entry.records.length;
        const failed = own.find(([error]) => error);
        if (failed) entry.reject(failed[0]);
        else entry.resolve();
      }
    } catch (error) {
      for (const entry of entries) entry.reject(error);
    }
  };

  return {
    append(records) {
      return new Promise<void>((resolve, reject) => {
        if (pending.length === 0) setImmediate(() => void flush());
        pending.push({ records, resolve, reject });
      });
    },
  };
}
