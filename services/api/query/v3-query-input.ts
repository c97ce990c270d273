import { createInputProblems, isPlainObject, type InputProblems } from '../../../core/http/invalid-input.js';
import type { Meter } from '../../../core/meters/meter.js';
import type { MeterQuery } from '../../../core/meters/query/meter-query.js';
import type { ZoneOffsetSource } from '../../../core/meters/query/zone-offsets.js';
import type { WindowSize } from '../../../core/meters/query/zone-windows.js';
import { assembleQuery, checkFilterKey, checkGroupBy, parseInstant, parseStringList, parseZone } from './query-input.js';

const granularities: Record<string, WindowSize> = { PT1M: 'MINUTE', PT1H: 'HOUR', P1D: 'DAY', P1M: 'MONTH' };
const knownFields = new Set(['from', 'to', 'granularity', 'time_zone', 'group_by_dimensions', 'filters']);
const maxFilterDimensions = 10;

/** The v3 MeterQueryRequest; unknown fields are refused as the spec's `additionalProperties: false` says. */
export function parseV3Query(input: unknown, meter: Meter, zones: (zone: string) => ZoneOffsetSource | undefined): MeterQuery {
  const problems = createInputProblems('meter query');
  if (!isPlainObject(input)) {
    problems.add('body', 'type', 'must be a JSON object');
    problems.throwIfAny();
  }
  const body = input as Record<string, unknown>;
  for (const field of Object.keys(body)) if (!knownFields.has(field)) problems.add(field, 'additional_properties', 'is not a field of a meter query');
  const fromMs = parseInstant(problems, 'from', body.from);
  const toMs = parseInstant(problems, 'to', body.to);
  let windowSize: WindowSize | undefined;
  if (body.granularity !== undefined && body.granularity !== null) {
    windowSize = typeof body.granularity === 'string' ? granularities[body.granularity] : undefined;
    if (!windowSize) problems.add('granularity', 'enum', `must be one of ${Object.keys(granularities).join(', ')}`);
  }
  const zone = parseZone(problems, 'time_zone', body.time_zone, zones);
  const groupBy = checkGroupBy(problems, 'group_by_dimensions', meter, parseStringList(problems, 'group_by_dimensions', body.group_by_dimensions) ?? []);
  const { filters, customerIds } = parseFilters(problems, meter, body.filters);
  return assembleQuery(problems, { meter, zone, groupBy, filters, fromMs, toMs, windowSize, customerIds });
}

/** `filters.dimensions`: only exact matches (`eq`, `in`) can be answered from buckets; others are refused by name. */
function parseFilters(problems: InputProblems, meter: Meter, value: unknown): { filters: Record<string, string[]>; customerIds?: string[] } {
  const filters: Record<string, string[]> = {};
  if (value === undefined || value === null) return { filters };
  if (!isPlainObject(value)) {
    problems.add('filters', 'type', 'must be an object');
    return { filters };
  }
  for (const key of Object.keys(value)) if (key !== 'dimensions') problems.add(`filters.${key}`, 'additional_properties', 'is not a filter field');
  const dimensions = value.dimensions;
  if (dimensions === undefined || dimensions === null) return { filters };
  if (!isPlainObject(dimensions)) {
    problems.add('filters.dimensions', 'type', 'must be an object');
    return { filters };
  }
  if (Object.keys(dimensions).length > maxFilterDimensions) problems.add('filters.dimensions', 'max_properties', `may filter at most ${maxFilterDimensions} dimensions`);
  let customerIds: string[] | undefined;
  for (const [key, filter] of Object.entries(dimensions)) {
    const field = `filters.dimensions.${key}`;
    const values = exactValues(filter);
    if (!values) {
      problems.add(field, 'operator', 'supported: exactly one of {"eq": "value"} or {"in": ["value", ...]} (1-100 values)');
      continue;
    }
    if (key === 'customer_id') customerIds = values;
    else if (checkFilterKey(problems, field, meter, key)) filters[key] = values;
  }
  return customerIds ? { filters, customerIds } : { filters };
}

function exactValues(filter: unknown): string[] | undefined {
  if (!isPlainObject(filter) || Object.keys(filter).length !== 1) return undefined;
  if (typeof filter.eq === 'string') return [filter.eq];
  const list = filter.in;
  if (Array.isArray(list) && list.length >= 1 && list.length <= 100 && list.every((v) => typeof v === 'string')) return list as string[];
  return undefined;
}
