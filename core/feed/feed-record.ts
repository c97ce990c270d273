import type { CloudEvent } from '../events/cloud-event.js';

/** One processed event as the events feed shows it. */
export interface FeedRecord {
  event: CloudEvent;
  /** Absent when the subject resolved to no customer (the event is parked). */
  customerId?: string;
  /** OpenMeter's validation messages, exactly (compat.md §Events feed). */
  validationErrors: string[];
  ingestedAt: string;
  storedAt: string;
  /**
   * `event` as JSON when the writer has that text already (the log's), so a
   * store can use it instead of stringifying the event again. Never returned
   * by `list`.
   */
  eventJson?: string;
}

/** Times are ISO-8601; lower bounds are inclusive, upper bounds exclusive (`[from, to)`). */
export interface FeedFilter {
  from?: string;
  to?: string;
  ingestedAtFrom?: string;
  ingestedAtTo?: string;
  /** Partial match on event id. */
  id?: string;
  subject?: string;
  type?: string;
  customerIds?: string[];
  /** Only records that carry at least one validation error. */
  hasErrors?: boolean;
  limit: number;
  /** Opaque cursor: continue after this record (newest-first order). */
  after?: string;
}

export interface FeedPage {
  records: FeedRecord[];
  /** Cursor for the next (older) page, absent at the end. */
  next?: string;
}

/** Written by the worker, read by the api. Capped; newest first. */
export interface FeedStore {
  append(records: readonly FeedRecord[]): Promise<void>;
  list(filter: FeedFilter): Promise<FeedPage>;
}
