import { createInputProblems, type InputProblems } from '../../../core/http/invalid-input.js';
import type { FeedFilter, FeedRecord } from '../../../core/feed/feed-record.js';
import { parseInstant } from '../query/query-input.js';
import { checkOrder, parseBoolean, parseLimit, single } from './v1-feed-input.js';

type QueryString = Record<string, string | string[] | undefined>;
const defaultPageSize = 20;
const sortFields = new Set(['time', 'ingested_at', 'stored_at']);

export interface V3FeedQuery {
  filter: FeedFilter;
  /** Exact matches the store does not index, applied to each page (pages may then come back short). */
  keep: (record: FeedRecord) => boolean;
}

/**
 * v3 `list-metering-events`: `page[size]` (1-100, default 20), `page[after]`,
 * `filter[<field>]` or `filter[<field>][<op>]`, `sort`, plus Tally's
 * `filter[has_errors]=true|false`. Operators no index can answer are refused by name.
 */
export function parseV3FeedQuery(query: QueryString): V3FeedQuery {
  const problems = createInputProblems('events query');
  const filter: FeedFilter = { limit: defaultPageSize };
  const exact: { id?: string; source?: string } = {};
  for (const [name, raw] of Object.entries(query)) {
    const match = /^(page|filter)\[([a-z_]+)\](?:\[([a-z]+)\])?$/.exec(name);
    const value = single(problems, name, raw);
    if (name === 'sort') checkSort(problems, value);
    if (!match || value === undefined) continue;
    const [, group, field, op = 'eq'] = match as unknown as [string, string, string, string?];
    if (group === 'page') {
      if (field === 'size' && !match[3]) filter.limit = parseLimit(problems, name, value);
      else if (field === 'after' && !match[3]) filter.after = value;
      else problems.add(name, 'page', 'supported: page[size], page[after]');
    } else {
      applyFilter(problems, filter, exact, name, field, op, value);
    }
  }
  checkOrder(problems, filter);
  problems.throwIfAny();
  return {
    filter,
    keep: (record) => (exact.id === undefined || record.event.id === exact.id) && (exact.source === undefined || record.event.source === exact.source),
  };
}

function applyFilter(
  problems: InputProblems,
  filter: FeedFilter,
  exact: { id?: string; source?: string },
  name: string,
  field: string,
  op: string,
  value: string,
): void {
  const refuse = (supported: string) => problems.add(name, 'filter', `supported: ${supported}`);
  switch (field) {
    case 'id':
      if (op === 'eq') exact.id = filter.id = value;
      else if (op === 'contains') filter.id = value;
      else refuse('filter[id], filter[id][eq], filter[id][contains]');
      return;
    case 'source':
      if (op === 'eq') exact.source = value;
      else refuse('filter[source], filter[source][eq]');
      return;
    case 'subject':
    case 'type':
      if (op === 'eq') filter[field] = value;
      else refuse(`filter[${field}], filter[${field}][eq]`);
      return;
    case 'customer_id':
      if (op === 'eq' || op === 'oeq') filter.customerIds = value.split(',').map((id) => id.trim()).filter(Boolean);
      else refuse('filter[customer_id], filter[customer_id][eq], filter[customer_id][oeq] (comma-separated)');
      return;
    case 'time':
    case 'ingested_at':
      return applyTimeFilter(problems, filter, name, field === 'time' ? ['from', 'to'] : ['ingestedAtFrom', 'ingestedAtTo'], op, value);
    case 'has_errors':
      if (op === 'eq') filter.hasErrors = parseBoolean(problems, name, value);
      else refuse('filter[has_errors]=true|false');
      return;
    default:
      problems.add(name, 'filter', 'filterable fields: id, source, subject, type, customer_id, time, ingested_at, has_errors');
  }
}

/** FeedFilter's lower bounds are inclusive, its upper bounds exclusive; times have millisecond precision. */
function applyTimeFilter(problems: InputProblems, filter: FeedFilter, name: string, [lower, upper]: ['from' | 'ingestedAtFrom', 'to' | 'ingestedAtTo'], op: string, value: string): void {
  const ms = parseInstant(problems, name, value);
  if (ms === undefined) return;
  const iso = (t: number) => new Date(t).toISOString();
  if (op === 'gte' || op === 'eq') filter[lower] = iso(ms);
  if (op === 'lte' || op === 'eq') filter[upper] = iso(ms + 1);
  if (op === 'gt') filter[lower] = iso(ms + 1);
  if (op === 'lt') filter[upper] = iso(ms);
  if (!['gte', 'eq', 'lte', 'gt', 'lt'].includes(op)) problems.add(name, 'filter', 'supported operators: eq, gt, gte, lt, lte');
}

/** The feed is kept newest first; any of the spec's descending sorts is that order, ascending is refused. */
function checkSort(problems: InputProblems, value: string | undefined): void {
  if (value === undefined) return;
  const [field = '', direction = 'desc', ...rest] = value.trim().split(/\s+/);
  if (!sortFields.has(field) || direction !== 'desc' || rest.length > 0) {
    problems.add('sort', 'sort', 'supported: time, ingested_at or stored_at, descending (newest first)');
  }
}
