import type { FeedFilter, FeedPage, FeedRecord, FeedStore } from '../../core/feed/feed-record.js';
import { TallyError } from '../../core/http/tally-error.js';

export interface MemoryFeedStore extends FeedStore {
  /** Newest first. */
  records: FeedRecord[];
  filters: FeedFilter[];
}

/** FeedStore in memory for unit tests of the feed routes: newest first, cursor = position (400 otherwise), `[from, to)` like the Redis store. */
export function createMemoryFeedStore(): MemoryFeedStore {
  const store: MemoryFeedStore = {
    records: [],
    filters: [],
    async append(records) {
      store.records.unshift(...[...records].reverse());
    },
    async list(filter): Promise<FeedPage> {
      store.filters.push(filter);
      if (filter.after !== undefined && !/^\d+$/.test(filter.after)) throw new TallyError('BAD_REQUEST', 'invalid cursor');
      const start = filter.after === undefined ? 0 : Number(filter.after);
      const matching: FeedRecord[] = [];
      let index = start;
      for (; index < store.records.length && matching.length < filter.limit; index++) {
        if (keep(store.records[index]!, filter)) matching.push(store.records[index]!);
      }
      return index < store.records.length ? { records: matching, next: String(index) } : { records: matching };
    },
  };
  return store;
}

function keep(record: FeedRecord, filter: FeedFilter): boolean {
  const { event } = record;
  if (filter.from && event.time < filter.from) return false;
  if (filter.to && event.time >= filter.to) return false;
  if (filter.ingestedAtFrom && record.ingestedAt < filter.ingestedAtFrom) return false;
  if (filter.ingestedAtTo && record.ingestedAt >= filter.ingestedAtTo) return false;
  if (filter.id && !event.id.includes(filter.id)) return false;
  if (filter.subject && event.subject !== filter.subject) return false;
  if (filter.type && event.type !== filter.type) return false;
  if (filter.customerIds && !filter.customerIds.includes(record.customerId ?? '')) return false;
  if (filter.hasErrors !== undefined && filter.hasErrors !== record.validationErrors.length > 0) return false;
  return true;
}
