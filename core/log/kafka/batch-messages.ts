import type { IHeaders, Message } from 'kafkajs';
import type { LogRecord } from '../../events/cloud-event.js';
import type { EventMediaType } from '../../events/decode-events.js';
import { encodeEvent } from '../log-payload.js';
import { partitionOf } from './key-partitioner.js';

/** The header value that marks a record whose value is a JSON array of events: ingest's own batch media type. */
export const BATCH_CONTENT_TYPE: EventMediaType = 'application/cloudevents-batch+json';

export interface BatchMessagesOptions {
  /**
   * The topic's partition count as the producer last partitioned with it;
   * undefined before its first send, when records are grouped by subject
   * instead (each still lands where its subject hashes to).
   */
  partitions: number | undefined;
  /** A record's value is closed before it would exceed this (a single larger event travels alone). */
  maxRecordBytes: number;
}

interface OpenRecord {
  key: Buffer;
  partition: number | undefined;
  events: string[];
  bytes: number;
}

/**
 * LogRecords -> batch records (`KAFKA_RECORD_FORMAT=batch`): the events of
 * one publish that share a namespace and ingest time and hash to the same
 * partition travel as one record, value = their JSON in an array (the
 * CloudEvents JSON batch format), headers `content-type`, `namespace` and
 * `ingested_at`. kafkajs's cost is per record (it encodes each, and each
 * header, into a fresh 512-byte buffer), so a batch of 100 over 8
 * partitions costs 8 records instead of 100. An event alone in its record
 * is written as an event record (no `content-type`, no array), which costs
 * a header less. The record carries its partition explicitly, and its key
 * is its first event's subject, which hashes to that same partition. A
 * partition's events keep their order: records are emitted in the order
 * they were opened, each closed before a later one of its partition opens.
 */
export function toBatchMessages(records: readonly LogRecord[], options: BatchMessagesOptions): Message[] {
  const { partitions, maxRecordBytes } = options;
  const messages: Message[] = [];
  const open = new Map<number | string, OpenRecord>();
  let headers: IHeaders | undefined;
  let batchHeaders: IHeaders | undefined;
  let namespace = '';
  let ingestedAt = '';

  const close = ({ key, partition, events }: OpenRecord) => {
    if (events.length === 1) messages.push({ key, partition, value: Buffer.from(events[0]!), headers });
    else messages.push({ key, partition, value: Buffer.from(`[${events.join(',')}]`), headers: batchHeaders });
  };
  const closeAll = () => {
    for (const entry of open.values()) close(entry);
    open.clear();
  };

  for (const record of records) {
    if (headers === undefined || record.namespace !== namespace || record.ingestedAt !== ingestedAt) {
      closeAll();
      namespace = record.namespace;
      ingestedAt = record.ingestedAt;
      headers = { namespace: Buffer.from(namespace), ingested_at: Buffer.from(ingestedAt) };
      batchHeaders = { 'content-type': Buffer.from(BATCH_CONTENT_TYPE), ...headers };
    }
    const subject = record.event.subject;
    const key = Buffer.from(subject);
    const partition = partitions === undefined ? undefined : partitionOf(key, partitions);
    const json = encodeEvent(record);
    const bytes = Buffer.byteLength(json) + 1; // and its comma or bracket
    let entry = open.get(partition ?? subject);
    if (entry !== undefined && entry.bytes + bytes > maxRecordBytes) {
      close(entry);
      entry = undefined;
    }
    if (entry === undefined) {
      entry = { key, partition, events: [], bytes: 1 };
      open.set(partition ?? subject, entry);
    }
    entry.events.push(json);
    entry.bytes += bytes;
  }
  closeAll();
  return messages;
}
