import { createInputProblems, type InputProblems } from '../../../core/http/invalid-input.js';
import type { FeedFilter } from '../../../core/feed/feed-record.js';
import { parseInstant, parseStringList } from '../query/query-input.js';

type QueryString = Record<string, string | string[] | undefined>;
const ulid = /^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$/;
export const maxFeedLimit = 100;

/**
 * `GET /api/v1/events` parameters (OpenMeter's listEvents) plus Tally's
 * `hasErrors=true|false` and `type` (the exact event type, as v3's
 * `filter[type]`). Times are inclusive bounds; `id` matches part of the
 * event id; `customerId` repeats.
 */
export function parseV1FeedFilter(query: QueryString): FeedFilter {
  const problems = createInputProblems('events query');
  const filter: FeedFilter = { limit: maxFeedLimit };
  for (const field of ['from', 'to', 'ingestedAtFrom', 'ingestedAtTo'] as const) {
    const ms = parseInstant(problems, field, single(problems, field, query[field]));
    // OpenMeter's bounds are both inclusive; FeedFilter's upper bounds are exclusive.
    if (ms !== undefined) filter[field] = new Date(field.endsWith('o') ? ms + 1 : ms).toISOString();
  }
  const id = single(problems, 'id', query.id);
  if (id) filter.id = id;
  const subject = single(problems, 'subject', query.subject);
  if (subject) filter.subject = subject;
  const type = single(problems, 'type', query.type);
  if (type) filter.type = type;
  const customerIds = parseStringList(problems, 'customerId', query.customerId);
  if (customerIds) {
    const bad = customerIds.filter((c) => !ulid.test(c));
    if (bad.length > 0) problems.add('customerId', 'format', `must be customer ids (ULIDs), got ${bad.map((c) => JSON.stringify(c)).join(', ')}`);
    filter.customerIds = customerIds;
  }
  const limit = single(problems, 'limit', query.limit);
  if (limit !== undefined) filter.limit = parseLimit(problems, 'limit', limit);
  const hasErrors = single(problems, 'hasErrors', query.hasErrors);
  if (hasErrors !== undefined) filter.hasErrors = parseBoolean(problems, 'hasErrors', hasErrors);
  checkOrder(problems, filter);
  problems.throwIfAny();
  return filter;
}

export function single(problems: InputProblems, field: string, value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) {
    problems.add(field, 'single', 'may be given only once');
    return undefined;
  }
  return value === '' ? undefined : value;
}

export function parseLimit(problems: InputProblems, field: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > maxFeedLimit) problems.add(field, 'range', `must be an integer from 1 to ${maxFeedLimit}, got ${JSON.stringify(value)}`);
  return n;
}

export function parseBoolean(problems: InputProblems, field: string, value: string): boolean {
  if (value !== 'true' && value !== 'false') problems.add(field, 'type', `must be true or false, got ${JSON.stringify(value)}`);
  return value === 'true';
}

/** A range that can match nothing (after the exclusive upper bounds are applied) is an error, not `[]`. */
export function checkOrder(problems: InputProblems, filter: FeedFilter): void {
  if (filter.from && filter.to && filter.from >= filter.to) problems.add('from', 'before_to', 'must not be after to');
  if (filter.ingestedAtFrom && filter.ingestedAtTo && filter.ingestedAtFrom >= filter.ingestedAtTo) {
    problems.add('ingestedAtFrom', 'before_to', 'must not be after ingestedAtTo');
  }
}
