import type { Admin, ICustomPartitioner, Kafka, Message, Producer } from 'kafkajs';
import type { KafkaRecordFormat } from '../../config/config.js';
import type { LogRecord } from '../../events/cloud-event.js';
import type { EventLog } from '../event-log.js';
import { withPublishDeadline } from '../publish-deadline.js';
import { toBatchMessages } from './batch-messages.js';
import { messageBytes, messageLaneKey, toKafkaMessages } from './kafka-messages.js';
import { createKeyPartitioner } from './key-partitioner.js';
import { sendWhole } from './send-whole.js';
import { createSendLanes } from './send-lanes.js';

export interface KafkaLogOptions {
  kafka: Kafka;
  topic: string;
  publishTimeoutMs: number;
  lingerMs: number;
  maxBatchRecords: number;
  maxBatchBytes: number;
  /** Sends in flight at once (lanes by subject); 1 = one send at a time. */
  sendLanes: number;
  /** `event`: one record per event; `batch`: a publish's events per partition in one record. */
  recordFormat?: KafkaRecordFormat;
}

/** Connects on first use and again after a failed attempt, so a broker outage at start is not fatal. */
export function lazyConnect<T extends { connect(): Promise<void> }>(client: T): () => Promise<T> {
  let connecting: Promise<void> | undefined;
  return async () => {
    connecting ??= client.connect().catch((error: unknown) => {
      connecting = undefined;
      throw error;
    });
    await connecting;
    return client;
  };
}

/**
 * The key partitioner, remembering how many partitions kafkajs last
 * partitioned a send over: batch records are grouped by partition with the
 * producer's own metadata (which kafkajs keeps fresh), at no request of our own.
 */
function observePartitionCount(): { createPartitioner: ICustomPartitioner; count(): number | undefined } {
  let count: number | undefined;
  return {
    createPartitioner: () => {
      const partition = createKeyPartitioner();
      return (args) => {
        count = args.partitionMetadata.length;
        return partition(args);
      };
    },
    count: () => count,
  };
}

/**
 * The Kafka event log: key = subject (a subject's events share a
 * partition), headers `namespace` and `ingested_at`, value = the CloudEvent
 * as JSON, `acks: -1`; or, in the batch record format, one record per
 * partition and publish (see batch-messages.ts). The idempotent producer is
 * off: the worker dedupes.
 */
export function createKafkaLog(options: KafkaLogOptions): EventLog {
  const { kafka, topic, publishTimeoutMs } = options;
  const partitions = observePartitionCount();
  const producer: Producer = kafka.producer({
    idempotent: false,
    allowAutoTopicCreation: true,
    createPartitioner: partitions.createPartitioner,
    // A failed send is retried whole by sendWhole: kafkajs's own retry can drop a partition whose leader moved.
    retry: { retries: 0 },
  });
  const toMessages =
    options.recordFormat === 'batch'
      ? (records: readonly LogRecord[]) => toBatchMessages(records, { partitions: partitions.count(), maxRecordBytes: options.maxBatchBytes })
      : toKafkaMessages;
  const admin: Admin = kafka.admin();
  const connectProducer = lazyConnect(producer);
  const connectAdmin = lazyConnect(admin);

  const coalescer = createSendLanes<Message>({
    // Retries end when the callers give up: after that they have their 503, and the lane its next send.
    send: (messages, deadline) =>
      sendWhole(async () => {
        const left = Math.max(1, deadline - Date.now());
        await (await connectProducer()).send({ topic, acks: -1, timeout: Math.min(publishTimeoutMs, left), messages });
      }, { budgetMs: Math.max(0, deadline - Date.now()) }),
    sizeOf: messageBytes,
    lingerMs: options.lingerMs,
    maxRecords: options.maxBatchRecords,
    maxBytes: options.maxBatchBytes,
    lanes: options.sendLanes,
    keyOf: messageLaneKey,
  });

  return {
    publish(records) {
      const messages = toMessages(records);
      return withPublishDeadline(coalescer.add(messages, Date.now() + publishTimeoutMs), publishTimeoutMs);
    },
    async isReachable() {
      try {
        const probe = connectAdmin().then((client) => client.fetchTopicMetadata({ topics: [topic] }));
        await withPublishDeadline(probe, Math.min(publishTimeoutMs, 2_000));
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await coalescer.flush();
      await producer.disconnect();
      await admin.disconnect();
    },
  };
}
