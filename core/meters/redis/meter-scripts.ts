import type { Redis } from 'ioredis';

/** KEYS docs, slugs, version; ARGV id, slug, json. Returns the holder's id when the slug is taken, else "". */
const CREATE = `
local holder = redis.call('HGET', KEYS[2], ARGV[2])
if holder then return holder end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('INCR', KEYS[3])
return ''
`;

/** KEYS docs, version; ARGV id, json. Returns 0 when the meter is gone (deleted meanwhile). */
const UPDATE = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('INCR', KEYS[2])
return 1
`;

/** KEYS docs, slugs, version; ARGV id, slug. Returns 0 when there was nothing to delete. */
const DELETE = `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
if redis.call('HGET', KEYS[2], ARGV[2]) == ARGV[1] then redis.call('HDEL', KEYS[2], ARGV[2]) end
redis.call('INCR', KEYS[3])
return 1
`;

/** KEYS docs, slugs; ARGV id or slug. One round trip for a query's meter lookup; nil when there is none. */
const GET = `
local id = redis.call('HGET', KEYS[2], ARGV[1]) or ARGV[1]
return redis.call('HGET', KEYS[1], id)
`;

export interface MeterScripts {
  tallyMeterGet(docs: string, slugs: string, idOrSlug: string): Promise<string | null>;
  tallyMeterCreate(docs: string, slugs: string, version: string, id: string, slug: string, json: string): Promise<string>;
  tallyMeterUpdate(docs: string, version: string, id: string, json: string): Promise<number>;
  tallyMeterDelete(docs: string, slugs: string, version: string, id: string, slug: string): Promise<number>;
}

/** Registers the scripts once per client (defineCommand is idempotent per name). */
export function defineMeterScripts(redis: Redis): Redis & MeterScripts {
  const scripted = redis as Redis & Partial<MeterScripts>;
  if (!scripted.tallyMeterCreate) {
    redis.defineCommand('tallyMeterGet', { numberOfKeys: 2, lua: GET });
    redis.defineCommand('tallyMeterCreate', { numberOfKeys: 3, lua: CREATE });
    redis.defineCommand('tallyMeterUpdate', { numberOfKeys: 2, lua: UPDATE });
    redis.defineCommand('tallyMeterDelete', { numberOfKeys: 3, lua: DELETE });
  }
  return redis as Redis & MeterScripts;
}
