import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { ConsumedRecord } from '../event-log.js';
import { decodeRecord, toLogRecord } from '../log-payload.js';
import { BATCH_CONTENT_TYPE } from './batch-messages.js';

/** Told about each entry that is skipped: the record, or one element of a batch record. */
export type SkipEntry = (error: unknown, position: string) => void;

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/**
 * A Kafka record -> the events it carries, in either record format,
 * whatever ingest is set to write (a topic holds both after a switch). A
 * record without the batch `content-type` is one event (position
 * `<partition>:<offset>`); a batch record is a JSON array of events
 * (positions `<partition>:<offset>#<index>`), an empty array none. What
 * Tally did not write is skipped and reported through `skip`, never thrown:
 * redelivering it would block the partition. A batch element that is not
 * an event is skipped alone; the rest of its record is kept.
 */
export function decodeKafkaMessage(message: KafkaMessage, partition: number, skip: SkipEntry): ConsumedRecord[] {
  const position = `${partition}:${message.offset}`;
  const namespace = header(message.headers, 'namespace');
  const ingestedAt = header(message.headers, 'ingested_at');
  const value = message.value?.toString();
  try {
    if (!header(message.headers, 'content-type')?.startsWith(BATCH_CONTENT_TYPE)) {
      return [{ record: decodeRecord({ namespace, ingestedAt, event: value }), position }];
    }
    if (namespace === undefined || ingestedAt === undefined || value === undefined) {
      throw new Error('batch log entry lacks namespace, ingested_at or value');
    }
    const events: unknown = JSON.parse(value);
    if (!Array.isArray(events)) throw new Error('batch log entry is not a JSON array');
    const records: ConsumedRecord[] = [];
    for (let index = 0; index < events.length; index++) {
      try {
        records.push({ record: toLogRecord(namespace, ingestedAt, events[index]), position: `${position}#${index}` });
      } catch (error) {
        skip(error, `${position}#${index}`);
      }
    }
    return records;
  } catch (error) {
    skip(error, position);
    return [];
  }
}
