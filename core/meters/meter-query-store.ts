import type { Meter } from './meter.js';

/** Granularities at which the worker keeps pre-aggregated buckets. */
export type Granularity = 'minute' | 'hour' | 'day';

/** A half-open time range `[fromMs, toMs)`, aligned to the granularity it is read at. */
export interface TimeWindow {
  fromMs: number;
  toMs: number;
  /** Read at this granularity instead of the request's: a window's parts may mix granularities. */
  granularity?: Granularity;
  /**
   * Windows with the same `mergeInto` are merged (as buckets of one window
   * are) into one row per group, whose `window` is this value. Default: the
   * window's own index.
   */
  mergeInto?: number;
}

export interface MeterAggregateRequest {
  meter: Meter;
  /** Customers to read; undefined means every customer with data for the meter. */
  customerIds?: readonly string[];
  /** Of every window that does not name its own. */
  granularity: Granularity;
  /** Disjoint windows; each is answered by merging the buckets inside it. */
  windows: readonly TimeWindow[];
  /**
   * Dimensions to keep apart in the answer: meter groupBy keys plus
   * `subject` and `customer_id`. Everything else is merged.
   */
  groupBy: readonly string[];
  /** Exact-match filters on dimensions (meter groupBy keys, `subject`); values are OR-ed per key. */
  filters: Readonly<Record<string, readonly string[]>>;
}

export interface MeterAggregateRow {
  /** Index into `request.windows`, or the `mergeInto` of the windows merged into this row. */
  window: number;
  /** Only the dimensions asked for in `groupBy`. */
  dimensions: Record<string, string>;
  /** The aggregation's value over the window (null when it has none, e.g. AVG of nothing). */
  value: number | null;
}

/**
 * Reads the worker's materialized buckets. Implemented over Redis by
 * `redis/redis-meter-store.ts`. Reads O(windows x groups) keys, never raw events.
 * Rows are returned only for windows that saw at least one event.
 */
export interface MeterQueryStore {
  aggregate(request: MeterAggregateRequest): Promise<MeterAggregateRow[]>;
  /** Oldest bucket start still retained at this granularity, for "too old" answers. */
  retentionStartMs(granularity: Granularity, nowMs: number): number;
}
