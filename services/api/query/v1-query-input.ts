import { createInputProblems, isPlainObject, type InputProblems } from '../../../core/http/invalid-input.js';
import { TallyError } from '../../../core/http/tally-error.js';
import type { Meter } from '../../../core/meters/meter.js';
import type { MeterQuery } from '../../../core/meters/query/meter-query.js';
import type { ZoneOffsetSource } from '../../../core/meters/query/zone-offsets.js';
import { WINDOW_SIZES, type WindowSize } from '../../../core/meters/query/zone-windows.js';
import { assembleQuery, checkFilterKey, checkGroupBy, parseInstant, parseStringList, parseZone } from './query-input.js';

type Zones = (zone: string) => ZoneOffsetSource | undefined;
type QueryString = Record<string, string | string[] | undefined>;

/** `GET ...?from=...&groupBy=a&groupBy=b&filterGroupBy[model]=gpt-4o`: the same fields as the POST body. */
export function v1QueryFromQueryString(query: QueryString): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const filterGroupBy: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(query)) {
    const match = /^filterGroupBy\[(.+)\]$/.exec(name);
    if (match) filterGroupBy[match[1]!] = ([] as string[]).concat(value ?? []);
    else if (name === 'advancedMeterGroupByFilters') body[name] = parseJsonParameter(name, value);
    else body[name] = value;
  }
  if (Object.keys(filterGroupBy).length > 0) body.filterGroupBy = filterGroupBy;
  return body;
}

/** OpenMeter v1's MeterQueryRequest (also the query string, via `v1QueryFromQueryString`). Every problem named at once. */
export function parseV1Query(input: unknown, meter: Meter, zones: Zones): MeterQuery {
  const problems = createInputProblems('meter query');
  if (!isPlainObject(input)) {
    problems.add('body', 'type', 'must be a JSON object');
    problems.throwIfAny();
  }
  const body = input as Record<string, unknown>;
  const fromMs = parseInstant(problems, 'from', body.from);
  const toMs = parseInstant(problems, 'to', body.to);
  const windowSize = parseWindowSize(problems, body.windowSize);
  const zone = parseZone(problems, 'windowTimeZone', body.windowTimeZone, zones);
  const subjects = parseStringList(problems, 'subject', body.subject);
  const customerIds = parseStringList(problems, 'filterCustomerId', body.filterCustomerId);
  const groupBy = checkGroupBy(problems, 'groupBy', meter, parseStringList(problems, 'groupBy', body.groupBy) ?? []);
  const filters: Record<string, string[]> = {};
  if (subjects) filters.subject = subjects;
  addSimpleFilters(problems, meter, body.filterGroupBy, filters);
  addAdvancedFilters(problems, meter, body.advancedMeterGroupByFilters, filters);
  return assembleQuery(problems, { meter, zone, groupBy, filters, fromMs, toMs, windowSize, customerIds });
}

function parseWindowSize(problems: InputProblems, value: unknown): WindowSize | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && (WINDOW_SIZES as readonly string[]).includes(value)) return value as WindowSize;
  problems.add('windowSize', 'enum', `must be one of ${WINDOW_SIZES.join(', ')}, got ${JSON.stringify(value)}`);
  return undefined;
}

function addSimpleFilters(problems: InputProblems, meter: Meter, value: unknown, filters: Record<string, string[]>): void {
  if (value === undefined || value === null) return;
  if (!isPlainObject(value)) return problems.add('filterGroupBy', 'type', 'must be an object of dimension -> value(s)');
  for (const [key, raw] of Object.entries(value)) {
    const field = `filterGroupBy[${key}]`;
    const values = parseStringList(problems, field, raw);
    if (values && checkFilterKey(problems, field, meter, key)) filters[key] = values;
  }
}

/** Only the operators that are exact matches ($eq, $in) can be answered from buckets. */
function addAdvancedFilters(problems: InputProblems, meter: Meter, value: unknown, filters: Record<string, string[]>): void {
  if (value === undefined || value === null) return;
  if (!isPlainObject(value)) return problems.add('advancedMeterGroupByFilters', 'type', 'must be an object of dimension -> filter');
  for (const [key, filter] of Object.entries(value)) {
    const field = `advancedMeterGroupByFilters[${key}]`;
    if (!checkFilterKey(problems, field, meter, key)) continue;
    const operators = isPlainObject(filter) ? Object.keys(filter) : [];
    const f = filter as Record<string, unknown>;
    if (operators.length === 1 && operators[0] === '$eq' && typeof f.$eq === 'string') filters[key] = [f.$eq];
    else if (operators.length === 1 && operators[0] === '$in' && Array.isArray(f.$in) && f.$in.every((v) => typeof v === 'string')) filters[key] = f.$in as string[];
    else problems.add(field, 'operator', 'supported: exactly one of {"$eq": "value"} or {"$in": ["value", ...]}');
  }
}

function parseJsonParameter(name: string, value: string | string[] | undefined): unknown {
  try {
    return typeof value === 'string' ? JSON.parse(value) : value;
  } catch {
    throw new TallyError('BAD_REQUEST', `invalid meter query: ${name}: must be a JSON object`);
  }
}
