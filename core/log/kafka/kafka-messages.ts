import type { IHeaders, Message } from 'kafkajs';
import type { LogRecord } from '../../events/cloud-event.js';
import { encodeEvent } from '../log-payload.js';

/**
 * LogRecords -> kafkajs messages: key = subject, value = the event's JSON,
 * headers `namespace` and `ingested_at`. Everything is handed over as
 * Buffers, each built once: kafkajs measures and copies a Buffer but would
 * UTF-8-measure a string three times (size, record length, write) and
 * encode the key a fourth time in the partitioner. The records of one
 * request share their namespace and ingest time, so consecutive equal
 * headers share one headers object instead of two new Buffers per event.
 */
export function toKafkaMessages(records: readonly LogRecord[]): Message[] {
  const messages = new Array<Message>(records.length);
  let headers: IHeaders | undefined;
  let namespace = '';
  let ingestedAt = '';
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    if (headers === undefined || record.namespace !== namespace || record.ingestedAt !== ingestedAt) {
      namespace = record.namespace;
      ingestedAt = record.ingestedAt;
      headers = { namespace: Buffer.from(namespace), ingested_at: Buffer.from(ingestedAt) };
    }
    messages[i] = { key: Buffer.from(record.event.subject), value: Buffer.from(encodeEvent(record)), headers };
  }
  return messages;
}

/** The size a message adds to a send, for the coalescer's byte bound. */
export function messageBytes(message: Message): number {
  return (message.value as Buffer).length;
}

/**
 * The lane key of a message: its subject's bytes read as latin1, a cheap
 * one-to-one mapping, so equal subjects always share a lane. A batch record
 * holds a whole partition's share of a publish, whatever its key: its lane
 * follows the partition, so every subject in it keeps one lane too. (Records
 * packed before the producer knew the partition count follow their subject:
 * with several lanes, those of a process's first send may be overtaken by
 * its next; meters do not depend on arrival order.)
 */
export function messageLaneKey(message: Message): string {
  if (message.partition !== undefined) return `#${message.partition}`;
  return (message.key as Buffer).toString('latin1');
}
