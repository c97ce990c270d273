import type { BatchHandler, ConsumedRecord } from '../event-log.js';

/**
 * Joins the partition batches kafkajs hands over concurrently into one
 * handler call. A fetch returns one batch per partition, and a batch holds
 * what the producer sent to that partition in one go (often a few dozen
 * records); the worker's cost is per call (round trips to Redis), so the
 * batches of one fetch are handled together. Every caller's promise settles
 * with the joint call: each partition resolves its offsets only once all of
 * the joint batch is written, and all of them are delivered again if it fails.
 */
export function createBatchJoiner(handler: BatchHandler): BatchHandler {
  let pending: { records: ConsumedRecord[]; done: Promise<void> } | undefined;

  const open = () => {
    const records: ConsumedRecord[] = [];
    // Calls started by the same fetch arrive in the same turn of the event loop: wait for the end of it.
    const done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      pending = undefined;
      return handler(records);
    });
    return { records, done };
  };

  return (batch) => {
    if (batch.length === 0) return Promise.resolve();
    pending ??= open();
    for (const record of batch) pending.records.push(record);
    return pending.done;
  };
}
