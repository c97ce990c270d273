import type { Meter } from './meter.js';

/** Meter definitions as the OpenMeter v1 meter API manages them. */
export interface MeterInput {
  slug: string;
  name?: string;
  description?: string;
  aggregation: Meter['aggregation'];
  eventType: string;
  eventFrom?: string;
  valueProperty?: string;
  groupBy?: Record<string, string>;
}

/** What an update may change (OpenMeter: name, description, groupBy). */
export interface MeterUpdate {
  name?: string;
  description?: string;
  groupBy?: Record<string, string>;
}

/**
 * Meter definitions, stored in Redis. `forEventType` is what the worker
 * calls per event: served from an in-process cache that sees changes made
 * by any process within a second.
 */
export interface MeterRegistry {
  list(): Promise<Meter[]>;
  /** By id or slug; undefined when there is none. */
  get(idOrSlug: string): Promise<Meter | undefined>;
  /** Throws TallyError BAD_REQUEST (invalid) or CONFLICT (slug taken). */
  create(input: MeterInput): Promise<Meter>;
  /** Throws TallyError NOT_FOUND / BAD_REQUEST. */
  update(idOrSlug: string, update: MeterUpdate): Promise<Meter>;
  /** Throws TallyError NOT_FOUND. */
  delete(idOrSlug: string): Promise<void>;
  forEventType(eventType: string): Promise<Meter[]>;
}
