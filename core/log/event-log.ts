import type { LogRecord } from '../events/cloud-event.js';

/**
 * The durable log between ingest and the worker. Adapters: Kafka
 * (`kafka/kafka-log.ts`) and a Redis Stream (`redis-stream/redis-stream-log.ts`).
 */
export interface EventLog {
  /**
   * Resolves only once the log acknowledged every record (Kafka acks=-1,
   * XADD returned). Rejects with a retriable TallyError ('UNAVAILABLE') when
   * the log is unreachable or does not answer within the publish timeout.
   */
  publish(records: readonly LogRecord[]): Promise<void>;
  /** Cheap reachability probe for /readyz. */
  isReachable(): Promise<boolean>;
  /** Flushes anything in flight, then disconnects. */
  close(): Promise<void>;
}

/** A record as delivered to a consumer. */
export interface ConsumedRecord {
  record: LogRecord;
  /** Adapter-specific position (partition/offset or stream entry id), for logs and metrics. */
  position: string;
}

export type BatchHandler = (batch: readonly ConsumedRecord[]) => Promise<void>;

/**
 * A consumer-group member. The handler's promise must settle before the
 * batch is committed (Kafka offsets, XACK); if it rejects, nothing of the
 * batch is committed and the records are delivered again.
 */
export interface LogConsumer {
  start(handler: BatchHandler): Promise<void>;
  /** Finishes the in-flight batch, commits it, then leaves the group. */
  stop(): Promise<void>;
  /** Records published but not yet committed by the group (best effort). */
  lag(): Promise<number>;
}
