import type { Meter } from '../meter.js';
import type { ZoneOffsetSource, ZoneOffsets } from './zone-offsets.js';
import type { WindowSize } from './zone-windows.js';

/** A meter query after parsing, the same for v1 (query string or body) and v3. */
export interface MeterQuery {
  meter: Meter;
  /** Absent: from the oldest retained day bucket. */
  fromMs?: number;
  /** Absent: up to now (the end of the current minute). */
  toMs?: number;
  /** Absent: one row per group spanning the whole range. */
  windowSize?: WindowSize;
  zone: ZoneOffsetSource;
  /** Undefined means every customer. */
  customerIds?: string[];
  /** Meter groupBy keys plus `subject` and `customer_id`, in the order asked. */
  groupBy: string[];
  /** Exact-match filters on `subject` and meter groupBy keys; values OR-ed per key. */
  filters: Record<string, string[]>;
}

export interface MeterQueryRow {
  windowStartMs: number;
  windowEndMs: number;
  /** Only the dimensions asked for in `groupBy`. */
  dimensions: Record<string, string>;
  value: number;
}

export interface MeterQueryAnswer {
  fromMs: number;
  toMs: number;
  windowSize?: WindowSize;
  /** The zone's offsets over the answer, to render its timestamps. */
  offsets: ZoneOffsets;
  /** Ordered by window start, then by dimensions. */
  rows: MeterQueryRow[];
}

/** Runs meter queries against the materialized buckets. */
export interface MeterQueryService {
  query(query: MeterQuery): Promise<MeterQueryAnswer>;
}

/** Dimensions every meter can be grouped by, besides its own groupBy keys. */
export const RESERVED_DIMENSIONS = ['subject', 'customer_id'] as const;
