import type { LogRecord } from '../events/cloud-event.js';

/** A subject's parked records taken for replay; `release` once they were applied. */
export interface ParkedClaim {
  records: LogRecord[];
  /** Forgets the claimed records (no-op when another replay already did). */
  release(): Promise<void>;
}

/**
 * Events whose subject resolved to no customer, kept per subject until a
 * customer claims it. Bounded per subject (count) and in time (retention);
 * whatever a bound drops is returned to the caller, which counts it and
 * shows it in the feed.
 */
export interface ParkedEvents {
  /** Parks records; resolves with the records the per-subject cap pushed out. */
  park(records: readonly LogRecord[]): Promise<LogRecord[]>;
  /**
   * Takes a subject's parked records for replay. A claim that was never
   * released (its replay failed) is handed out again, so nothing is lost;
   * replaying twice is safe because the meter writer deduplicates.
   */
  claim(subject: string): Promise<ParkedClaim>;
  /** Drops subjects parked to last before `olderThanMs`; resolves with what was dropped. */
  expire(olderThanMs: number): Promise<LogRecord[]>;
}
