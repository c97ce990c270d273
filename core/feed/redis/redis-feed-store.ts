import type { Redis } from 'ioredis';
import { TallyError } from '../../http/tally-error.js';
import type { FeedFilter, FeedPage, FeedRecord, FeedStore } from '../feed-record.js';

export interface RedisFeedStoreOptions {
  redis: Redis;
  prefix: string;
  /** Records kept (approximately: Redis trims whole stream nodes), in each of the two streams. */
  maxRecords: number;
  /** Entries one `list` call may examine before it returns what it found with a cursor to go on. */
  maxScan?: number;
}

/**
 * ARGV cap, then pairs of (record JSON, "1" when it has errors). Records with
 * errors are also added, under the same entry id, to a second stream, so
 * that `hasErrors` reads only those and shares cursors with the main feed.
 */
const APPEND = `
local cap = ARGV[1]
for i = 2, #ARGV, 2 do
  local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', cap, '*', 'r', ARGV[i])
  if ARGV[i + 1] == '1' then redis.call('XADD', KEYS[2], 'MAXLEN', '~', cap, id, 'r', ARGV[i]) end
end
return 1
`;

const CHUNK = 500;

/**
 * The events feed as two capped Redis Streams (all records; records with
 * errors), read newest first with XREVRANGE and filtered here. The cursor is
 * the stream entry id of the last record returned (base64url).
 */
export function createRedisFeedStore({ redis, prefix, maxRecords, maxScan = 20_000 }: RedisFeedStoreOptions): FeedStore {
  const all = `${prefix}{feed}:all`;
  const errors = `${prefix}{feed}:errors`;
  const scripted = redis as Redis & { tallyFeedAppend?: (...args: string[]) => Promise<number> };
  if (!scripted.tallyFeedAppend) redis.defineCommand('tallyFeedAppend', { numberOfKeys: 2, lua: APPEND });
  const append = (args: string[]) => (redis as Redis & { tallyFeedAppend: (...args: string[]) => Promise<number> }).tallyFeedAppend(all, errors, ...args);

  return {
    async append(records) {
      for (let from = 0; from < records.length; from += CHUNK) {
        const args = [String(maxRecords)];
        const encode = createFeedRecordEncoder();
        for (const record of records.slice(from, from + CHUNK)) args.push(encode(record), record.validationErrors.length > 0 ? '1' : '0');
        await append(args);
      }
    },

    async list(filter: FeedFilter): Promise<FeedPage> {
      const matches = recordMatcher(filter);
      const key = filter.hasErrors ? errors : all;
      let end = filter.after === undefined ? '+' : `(${decodeCursor(filter.after)}`;
      const records: FeedRecord[] = [];
      let scanned = 0;
      let lastId: string | undefined;
      while (records.length < filter.limit && scanned < maxScan) {
        const count = Math.min(Math.max(filter.limit * 2, 100), maxScan - scanned);
        const entries = (await redis.xrevrange(key, end, '-', 'COUNT', count)) as Array<[string, string[]]>;
        for (const [id, fields] of entries) {
          scanned++;
          lastId = id;
          const record = JSON.parse(fields[1] ?? '{}') as FeedRecord;
          if (!matches(record)) continue;
          records.push(record);
          if (records.length === filter.limit) break;
        }
        if (entries.length < count) return { records, ...(records.length === filter.limit && lastId ? { next: encodeCursor(lastId) } : {}) };
        end = `(${lastId}`;
      }
      return { records, ...(lastId ? { next: encodeCursor(lastId) } : {}) };
    },
  };
}

/**
 * Records as stored: JSON of their fields, the event's own text when the
 * writer had it. The records of one append mostly share their times and
 * have no messages: those texts are made once.
 */
export function createFeedRecordEncoder(): (record: FeedRecord) => string {
  const texts = new Map<string, string>();
  const text = (value: string) => {
    let json = texts.get(value);
    if (json === undefined) texts.set(value, (json = JSON.stringify(value)));
    return json;
  };
  return (record) => {
    const { eventJson } = record;
    if (eventJson === undefined) return JSON.stringify(record);
    const customer = record.customerId === undefined ? '' : `,"customerId":${JSON.stringify(record.customerId)}`;
    const errors = record.validationErrors.length === 0 ? '[]' : JSON.stringify(record.validationErrors);
    return `{"event":${eventJson}${customer},"validationErrors":${errors},"ingestedAt":${text(record.ingestedAt)},"storedAt":${text(record.storedAt)}}`;
  };
}

function recordMatcher(filter: FeedFilter): (record: FeedRecord) => boolean {
  const range = (from?: string, to?: string) => {
    const fromMs = from === undefined ? Number.NEGATIVE_INFINITY : Date.parse(from);
    const toMs = to === undefined ? Number.POSITIVE_INFINITY : Date.parse(to);
    return (at: string) => {
      const ms = Date.parse(at);
      return ms >= fromMs && ms < toMs;
    };
  };
  const inTime = range(filter.from, filter.to);
  const inIngested = range(filter.ingestedAtFrom, filter.ingestedAtTo);
  return (record) =>
    inTime(record.event.time) &&
    inIngested(record.ingestedAt) &&
    (filter.id === undefined || record.event.id.includes(filter.id)) &&
    (filter.subject === undefined || record.event.subject === filter.subject) &&
    (filter.type === undefined || record.event.type === filter.type) &&
    (filter.customerIds === undefined || filter.customerIds.length === 0 || (record.customerId !== undefined && filter.customerIds.includes(record.customerId))) &&
    (filter.hasErrors !== false || record.validationErrors.length === 0);
}

function encodeCursor(id: string): string {
  return Buffer.from(id).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString();
  if (!/^\d+-\d+$/.test(id)) {
    throw new TallyError('BAD_REQUEST', 'invalid cursor', { invalidParameters: [{ field: 'after', rule: 'format', reason: 'not a cursor returned by this API', source: 'query' }] });
  }
  return id;
}
