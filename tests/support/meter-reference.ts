import type { Aggregation } from '../../core/meters/meter.js';
import type { WindowSize } from '../../core/meters/query/zone-windows.js';

/** One event as a meter sees it: who, when, its group values and its value. */
export interface MeterFact {
  customerId: string;
  subject: string;
  timeMs: number;
  /** Meter groupBy key -> value (`""` when missing). */
  groupValues: Record<string, string>;
  /** The number (SUM, AVG, MIN, MAX, LATEST) or the distinct value (UNIQUE_COUNT); ignored for COUNT. */
  value: number | string;
}

export interface ReferenceQuery {
  aggregation: Aggregation;
  zone: string;
  windowSize?: WindowSize;
  fromMs: number;
  toMs: number;
  groupBy: string[];
  filters?: Record<string, string[]>;
  customerIds?: string[];
}

/** The aggregation over facts, computed the obvious way. */
export function aggregateFacts(aggregation: Aggregation, facts: readonly MeterFact[]): number | null {
  if (facts.length === 0) return null;
  const values = facts.map((f) => Number(f.value));
  switch (aggregation) {
    case 'COUNT':
      return facts.length;
    case 'SUM':
      return values.reduce((a, b) => a + b, 0);
    case 'AVG':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'MIN':
      return Math.min(...values);
    case 'MAX':
      return Math.max(...values);
    case 'UNIQUE_COUNT':
      return new Set(facts.map((f) => String(f.value))).size;
    case 'LATEST':
      return Number([...facts].sort((a, b) => a.timeMs - b.timeMs).at(-1)!.value);
  }
}

export function dimensionsOf(fact: MeterFact): Record<string, string> {
  return { ...fact.groupValues, subject: fact.subject, customer_id: fact.customerId };
}

export function matches(fact: MeterFact, filters: Record<string, readonly string[]> = {}, customerIds?: readonly string[]): boolean {
  if (customerIds && !customerIds.includes(fact.customerId)) return false;
  const dims = dimensionsOf(fact);
  return Object.entries(filters).every(([key, values]) => values.includes(dims[key] ?? ''));
}

/**
 * Expected rows keyed `<window label>|<dimensions JSON>`. The label is the
 * local wall time of the window start read with one Intl call per event
 * (plus the event's offset for MINUTE and HOUR, whose repeated fall-back hour
 * is two windows): independent of the planner and of the window code.
 */
export function referenceRows(facts: readonly MeterFact[], query: ReferenceQuery): Map<string, number> {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: query.zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'longOffset',
  });
  const groups = new Map<string, MeterFact[]>();
  for (const fact of facts) {
    if (fact.timeMs < query.fromMs || fact.timeMs >= query.toMs || !matches(fact, query.filters, query.customerIds)) continue;
    const dims = dimensionsOf(fact);
    const picked = Object.fromEntries(query.groupBy.map((k) => [k, dims[k] ?? '']));
    const key = `${query.windowSize ? windowLabel(format, query.windowSize, fact.timeMs) : 'all'}|${JSON.stringify(picked)}`;
    groups.set(key, [...(groups.get(key) ?? []), fact]);
  }
  return new Map([...groups].map(([key, group]) => [key, aggregateFacts(query.aggregation, group)!]));
}

function windowLabel(format: Intl.DateTimeFormat, size: WindowSize, ms: number): string {
  const p = Object.fromEntries(format.formatToParts(ms).map((part) => [part.type, part.value]));
  const raw = p.timeZoneName!.slice(3);
  const offset = raw === '' || raw === '+00:00' ? 'Z' : raw;
  if (size === 'MONTH') return `${p.year}-${p.month}`;
  if (size === 'DAY') return `${p.year}-${p.month}-${p.day}`;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${size === 'HOUR' ? '00' : p.minute}${offset}`;
}

/** The same label read off a returned row's `windowStart` (e.g. `2026-11-01T01:00:00-04:00`). */
export function labelOfWindowStart(size: WindowSize | undefined, windowStart: string): string {
  if (!size) return 'all';
  if (size === 'MONTH') return windowStart.slice(0, 7);
  if (size === 'DAY') return windowStart.slice(0, 10);
  return windowStart.slice(0, 16) + windowStart.slice(19);
}
