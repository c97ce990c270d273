import type { LogRecord } from '../../core/events/cloud-event.js';
import type { EventEvaluation } from '../../core/meters/evaluate-event.js';

/**
 * One record travelling through the worker's steps. Steps fill in fields as
 * data; side effects on Redis happen once per batch, inside the steps that
 * write (materialize, park, feed).
 */
export interface BatchItem {
  record: LogRecord;
  /** Set by the resolve step; undefined when no customer claims the subject. */
  customerId?: string;
  evaluation: EventEvaluation;
  /** `dropped`: pushed out of the parked events by a bound (shown in the feed, counted). */
  outcome?: 'applied' | 'duplicate' | 'parked' | 'dropped';
}

/** A step over the whole batch. Rejecting fails the batch: nothing of it is committed. */
export type BatchStep = (items: BatchItem[]) => Promise<void>;

export function noCustomerMessage(subject: string): string {
  return `no customer found for event subject: ${subject}`;
}
