/**
 * A CloudEvent after ingest normalization: `time` is always present, in UTC
 * with millisecond precision; `data` is a JSON object or null. Extension
 * attributes (v1 only) ride along as extra top-level keys.
 */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype?: string | null;
  dataschema?: string | null;
  data: Record<string, unknown> | null;
  [extension: string]: unknown;
}

/** What travels through the log: one event plus where and when it entered. */
export interface LogRecord {
  namespace: string;
  /** ISO-8601 UTC, set by ingest when the request was accepted. */
  ingestedAt: string;
  event: CloudEvent;
  /**
   * `event` as JSON, when ingest already has that text (the request's own,
   * when normalization changed nothing): the logs carry it as is.
   */
  json?: string;
}
