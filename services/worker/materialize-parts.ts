import type { Redis } from 'ioredis';
import type { Config } from '../../core/config/config.js';
import type { FeedStore } from '../../core/feed/feed-record.js';
import { createRedisFeedStore } from '../../core/feed/redis/redis-feed-store.js';
import { createEventEvaluator, type EvaluateEvent } from '../../core/meters/evaluate-event.js';
import type { MeterRegistry } from '../../core/meters/meter-registry.js';
import type { MeterWriter } from '../../core/meters/meter-writer.js';
import { createRedisMeterWriter } from '../../core/meters/redis/redis-meter-writer.js';
import type { ParkedEvents } from '../../core/parked/parked-events.js';
import { createRedisParkedEvents } from '../../core/parked/redis/redis-parked-events.js';
import { createParkedReplayer, type ParkedReplayer } from './parked-replayer.js';

export interface MaterializeParts {
  evaluate: EvaluateEvent;
  writer: MeterWriter;
  parked: ParkedEvents;
  feed: FeedStore;
  replay: ParkedReplayer;
}

/** The Redis-backed pieces the worker and the parked-replay hook share, built from config. */
export function createMaterializeParts({ redis, config, meters }: { redis: Redis; config: Config; meters: MeterRegistry }): MaterializeParts {
  const { materialize, redisPrefix: prefix } = config;
  const evaluate = createEventEvaluator();
  const writer = createRedisMeterWriter({
    redis,
    prefix,
    dedupeTtlMs: materialize.dedupeTtlMs,
    retentionMs: materialize.retentionMs,
    uniqueCountExactLimit: materialize.uniqueCountExactLimit,
    chunkEvents: materialize.applyChunkEvents,
  });
  const parked = createRedisParkedEvents({ redis, prefix, maxPerSubject: materialize.parkedMaxPerSubject, retentionMs: materialize.parkedRetentionMs });
  const feed = createRedisFeedStore({ redis, prefix, maxRecords: materialize.feedMaxRecords });
  const replay = createParkedReplayer({ parked, meters, evaluate, writer, feed });
  return { evaluate, writer, parked, feed, replay };
}
