import type { CloudEvent, LogRecord } from '../events/cloud-event.js';

/**
 * The wire form shared by both adapters: the normalized CloudEvent as JSON,
 * with namespace and ingest time beside it (Kafka headers, stream fields),
 * and the subject as the Kafka key / a stream field.
 */
export interface LogPayload {
  namespace: string;
  ingestedAt: string;
  subject: string;
  event: string;
}

export function encodeRecord(record: LogRecord): LogPayload {
  return {
    namespace: record.namespace,
    ingestedAt: record.ingestedAt,
    subject: record.event.subject,
    event: encodeEvent(record),
  };
}

/** The JSON of a record's normalized event as both logs carry it. */
export function encodeEvent(record: LogRecord): string {
  return record.json ?? JSON.stringify(record.event);
}

/** Throws on a payload Tally did not write; consumers log and skip such entries. */
export function decodeRecord(payload: Partial<LogPayload>): LogRecord {
  const { namespace, ingestedAt, event } = payload;
  if (namespace === undefined || ingestedAt === undefined || event === undefined) {
    throw new Error('log entry lacks namespace, ingested_at or event');
  }
  return toLogRecord(namespace, ingestedAt, JSON.parse(event), event);
}

/** A parsed event with its namespace and ingest time (and its text, when it was parsed alone); throws when it is not a JSON object. */
export function toLogRecord(namespace: string, ingestedAt: string, parsed: unknown, json?: string): LogRecord {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('log entry event is not a JSON object');
  }
  // The text rides along: whoever stores the event again (the events feed) need not stringify it anew.
  return json === undefined ? { namespace, ingestedAt, event: parsed as CloudEvent } : { namespace, ingestedAt, event: parsed as CloudEvent, json };
}
