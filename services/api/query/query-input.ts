import type { InputProblems } from '../../../core/http/invalid-input.js';
import type { Meter } from '../../../core/meters/meter.js';
import { RESERVED_DIMENSIONS, type MeterQuery } from '../../../core/meters/query/meter-query.js';
import type { ZoneOffsetSource } from '../../../core/meters/query/zone-offsets.js';
import type { WindowSize } from '../../../core/meters/query/zone-windows.js';

const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
export const maxListItems = 100;

/** Parsing helpers shared by the v1 and v3 query inputs; each records a problem naming the parameter. */
export function parseInstant(problems: InputProblems, field: string, value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  // An unencoded `+05:30` in a query string arrives as ` 05:30`.
  const text = typeof value === 'string' ? value.replace(/ (\d{2}:\d{2})$/, '+$1') : value;
  const ms = typeof text === 'string' && rfc3339.test(text) ? Date.parse(text.replace(' ', 'T')) : Number.NaN;
  if (Number.isNaN(ms)) {
    problems.add(field, 'format', `must be an RFC 3339 date-time such as 2026-05-01T00:00:00Z, got ${JSON.stringify(value)}`);
    return undefined;
  }
  if (ms < 0) {
    problems.add(field, 'range', `must not be before 1970-01-01T00:00:00Z, got ${JSON.stringify(value)}`);
    return undefined;
  }
  return ms;
}

export function parseZone(
  problems: InputProblems,
  field: string,
  value: unknown,
  zones: (zone: string) => ZoneOffsetSource | undefined,
): ZoneOffsetSource | undefined {
  const name = value === undefined || value === null || value === '' ? 'UTC' : value;
  const zone = typeof name === 'string' ? zones(name) : undefined;
  if (!zone) problems.add(field, 'time_zone', `must be an IANA time zone such as Europe/Berlin, got ${JSON.stringify(value)}`);
  return zone;
}

/** A string list from a repeated query parameter or a JSON array. */
export function parseStringList(problems: InputProblems, field: string, value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((item): item is string => typeof item === 'string')) {
    problems.add(field, 'type', 'must be a list of strings');
    return undefined;
  }
  if (list.length > maxListItems) {
    problems.add(field, 'max_items', `may hold at most ${maxListItems} values`);
    return undefined;
  }
  return list;
}

/** Dimensions a meter can be grouped or filtered by: its groupBy keys plus `subject` and `customer_id`. */
export function knownDimensions(meter: Meter): Set<string> {
  return new Set([...Object.keys(meter.groupBy), ...RESERVED_DIMENSIONS]);
}

export function checkGroupBy(problems: InputProblems, field: string, meter: Meter, keys: string[]): string[] {
  const known = knownDimensions(meter);
  const unknown = keys.filter((key) => !known.has(key));
  if (unknown.length > 0) {
    problems.add(field, 'group_by', `unknown ${unknown.map((k) => JSON.stringify(k)).join(', ')}: meter "${meter.slug}" can be grouped by ${[...known].join(', ')}`);
  }
  return [...new Set(keys)];
}

export function checkFilterKey(problems: InputProblems, field: string, meter: Meter, key: string): boolean {
  if (key === 'subject' || Object.hasOwn(meter.groupBy, key)) return true;
  problems.add(field, 'filter', `unknown dimension "${key}": meter "${meter.slug}" has ${['subject', ...Object.keys(meter.groupBy)].join(', ')}`);
  return false;
}

/** What both query versions parse, before the cross-field check. */
export interface ParsedQueryParts {
  meter: Meter;
  zone: ZoneOffsetSource | undefined;
  groupBy: string[];
  filters: Record<string, string[]>;
  fromMs: number | undefined;
  toMs: number | undefined;
  windowSize: WindowSize | undefined;
  customerIds: string[] | undefined;
}

/** Checks `from` < `to`, throws every problem recorded so far, then builds the query without undefined fields. */
export function assembleQuery(problems: InputProblems, parts: ParsedQueryParts): MeterQuery {
  const { meter, zone, groupBy, filters, fromMs, toMs, windowSize, customerIds } = parts;
  if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs) problems.add('from', 'before_to', 'must be before to');
  problems.throwIfAny();

  const query: MeterQuery = { meter, zone: zone!, groupBy, filters };
  if (fromMs !== undefined) query.fromMs = fromMs;
  if (toMs !== undefined) query.toMs = toMs;
  if (windowSize) query.windowSize = windowSize;
  if (customerIds) query.customerIds = customerIds;
  return query;
}
