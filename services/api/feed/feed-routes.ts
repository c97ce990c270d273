import Router from '@koa/router';
import type { RequireScope } from '../../../core/auth/scope.js';
import type { FeedRecord, FeedStore } from '../../../core/feed/feed-record.js';
import { parseV1FeedFilter } from './v1-feed-input.js';
import { parseV3FeedQuery } from './v3-feed-input.js';

export interface FeedRoutesDeps {
  feed: FeedStore;
  requireScope: RequireScope;
}

/**
 * The events feed, scope `read`, newest first: OpenMeter v1's bare array and
 * the v3 cursor-paginated list. The ingest routes use POST on the same paths.
 */
export function createFeedRoutes({ feed, requireScope }: FeedRoutesDeps): Router {
  const router = new Router();

  router.get('/api/v1/events', requireScope('read'), async (ctx) => {
    const page = await feed.list(parseV1FeedFilter(ctx.query));
    ctx.body = page.records.map(v1Record);
  });

  for (const prefix of ['/v3/openmeter', '/api/v3/openmeter']) {
    router.get(`${prefix}/events`, requireScope('read'), async (ctx) => {
      const { filter, keep } = parseV3FeedQuery(ctx.query);
      const page = await feed.list(filter);
      ctx.body = {
        data: page.records.filter(keep).map(v3Record),
        meta: { page: { size: filter.limit, next: page.next === undefined ? null : nextPageUri(ctx.path, ctx.querystring, page.next), previous: null } },
      };
    });
  }

  return router;
}

function v1Record(record: FeedRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { event: record.event };
  if (record.customerId) out.customerId = record.customerId;
  if (record.validationErrors.length > 0) out.validationError = record.validationErrors.join('\n');
  out.ingestedAt = record.ingestedAt;
  out.storedAt = record.storedAt;
  return out;
}

function v3Record(record: FeedRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { event: record.event };
  if (record.customerId) out.customer = { id: record.customerId };
  out.ingested_at = record.ingestedAt;
  out.stored_at = record.storedAt;
  out.validation_errors = record.validationErrors.map((message) => ({ code: 'validation_error', message }));
  return out;
}

/** CursorMetaPage.next is the URI of the next page: the same query with `page[after]` moved on. */
function nextPageUri(path: string, querystring: string, cursor: string): string {
  const params = new URLSearchParams(querystring);
  params.set('page[after]', cursor);
  return `${path}?${params.toString()}`;
}
