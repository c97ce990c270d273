import type { LogRecord } from '../events/cloud-event.js';
import type { MeterContribution } from './evaluate-event.js';

/** One event of a customer, with what it contributes to each of its meters. */
export interface WriteItem {
  record: LogRecord;
  contributions: readonly MeterContribution[];
}

/**
 * Materializes events into per-customer meter buckets, exactly once per
 * (namespace, source, id) within the dedupe TTL. Implemented over Redis by
 * `redis/redis-meter-writer.ts`.
 */
export interface MeterWriter {
  /**
   * Applies every customer's items; resolves with, per customer, one flag per
   * item: true when it was applied now, false when it was a duplicate.
   * Rejects when Redis fails: items may then be partly applied, and applying
   * them again is safe (the applied ones are duplicates).
   */
  write(byCustomer: ReadonlyMap<string, readonly WriteItem[]>): Promise<Map<string, boolean[]>>;
}
