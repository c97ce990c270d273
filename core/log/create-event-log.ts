import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { EventLog, LogConsumer } from './event-log.js';
import { createKafkaClient } from './kafka/create-kafka-client.js';
import { createKafkaConsumer } from './kafka/kafka-consumer.js';
import { createKafkaLog } from './kafka/kafka-log.js';
import { createRedisStreamConsumer } from './redis-stream/redis-stream-consumer.js';
import { createRedisStreamLog } from './redis-stream/redis-stream-log.js';

export interface EventLogDeps {
  config: Config;
  /** Used by the Redis Stream adapter only (the embedded default). */
  redis: Redis;
  logger: Logger;
}

/** The log ingest publishes to: Kafka when `config.kafka` is set, else the Redis Stream. */
export function createEventLog({ config, redis, logger }: EventLogDeps): EventLog {
  const { log, limits } = config;
  if (config.kafka) {
    return createKafkaLog({
      kafka: createKafkaClient({ ...config.kafka, requestTimeoutMs: limits.publishTimeoutMs, logger }),
      topic: config.kafka.topic,
      publishTimeoutMs: limits.publishTimeoutMs,
      lingerMs: log.lingerMs,
      maxBatchRecords: log.maxBatchRecords,
      maxBatchBytes: log.maxBatchBytes,
      sendLanes: log.sendLanes,
      recordFormat: config.kafka.recordFormat,
    });
  }
  return createRedisStreamLog({
    redis,
    streamKey: config.stream.key,
    maxLen: config.stream.maxLen,
    publishTimeoutMs: limits.publishTimeoutMs,
  });
}

/**
 * Long enough for the coordinator to answer SyncGroup during a rebalance, short enough that a fetch
 * stuck on a broker that went away is retried within seconds.
 */
const CONSUMER_REQUEST_TIMEOUT_MS = 10_000;

/** A member of the worker group on the same log; `consumerName` identifies it (stream consumer, Kafka client id). */
export function createLogConsumer({ consumerName, ...deps }: EventLogDeps & { consumerName: string }): LogConsumer {
  const { config, redis, logger } = deps;
  if (config.kafka) {
    const { brokers, clientId, topic, groupId, sessionTimeoutMs, commitIntervalMs, batchMaxRecords, fetchAheadRecords, handlerConcurrency } = config.kafka;
    return createKafkaConsumer({
      kafka: createKafkaClient({
        brokers,
        clientId: `${clientId}-${consumerName}`,
        // Not the publish bound: a group member's SyncGroup is held by the coordinator while the group
        // rebalances, and timing it out (at 1.5 s in tests) restarted the member and the rebalance with it.
        requestTimeoutMs: CONSUMER_REQUEST_TIMEOUT_MS,
        logger,
      }),
      topic,
      groupId,
      sessionTimeoutMs,
      commitIntervalMs,
      batchMaxRecords,
      fetchAheadRecords,
      handlerConcurrency,
      fetchWaitMs: config.log.fetchWaitMs,
      logger,
    });
  }
  return createRedisStreamConsumer({
    redis,
    streamKey: config.stream.key,
    group: config.stream.group,
    consumerName,
    blockMs: config.log.fetchWaitMs,
    readCount: config.log.readCount,
    claimIdleMs: config.stream.claimIdleMs,
    logger,
  });
}
