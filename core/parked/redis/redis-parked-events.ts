import type { Redis } from 'ioredis';
import type { LogRecord } from '../../events/cloud-event.js';
import type { ParkedClaim, ParkedEvents } from '../parked-events.js';

export interface RedisParkedEventsOptions {
  redis: Redis;
  prefix: string;
  maxPerSubject: number;
  /** Lists also expire in Redis a day after this, as a backstop when no worker sweeps. */
  retentionMs: number;
}

/** KEYS list; ARGV cap, ttlMs, records... Returns the records trimmed off the front. */
const PARK = `
local len = redis.call('RPUSH', KEYS[1], unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local over = len - tonumber(ARGV[1])
if over <= 0 then return {} end
local dropped = redis.call('LRANGE', KEYS[1], 0, over - 1)
redis.call('LTRIM', KEYS[1], over, -1)
return dropped
`;

/** KEYS list, replaying. An unreleased claim first; else the list becomes the claim. */
const CLAIM = `
if redis.call('EXISTS', KEYS[2]) == 0 then
  if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
  redis.call('RENAME', KEYS[1], KEYS[2])
end
return redis.call('LRANGE', KEYS[2], 0, -1)
`;

/** KEYS replaying; ARGV length, first entry. Deletes only the claim that was read. */
const RELEASE = `
if redis.call('LLEN', KEYS[1]) == tonumber(ARGV[1]) and redis.call('LINDEX', KEYS[1], 0) == ARGV[2] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

/**
 * KEYS list, replaying; ARGV ttl threshold. Takes both for expiry, unless the
 * list was parked to since (its TTL, refreshed by every park, is above the threshold).
 */
const DROP = `
if redis.call('PTTL', KEYS[1]) > tonumber(ARGV[1]) then return false end
local out = redis.call('LRANGE', KEYS[2], 0, -1)
for _, entry in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do table.insert(out, entry) end
redis.call('DEL', KEYS[1], KEYS[2])
return out
`;

type Scripts = {
  tallyPark(list: string, cap: number, ttl: number, ...records: string[]): Promise<string[]>;
  tallyParkedClaim(list: string, replaying: string): Promise<string[]>;
  tallyParkedRelease(replaying: string, length: number, first: string): Promise<number>;
  tallyParkedDrop(list: string, replaying: string, ttlThreshold: number): Promise<string[] | null>;
};

/**
 * Parked records as a Redis list per subject (`{p:<subject>}:list`, JSON
 * LogRecords in arrival order) plus a sorted set of subjects by last park
 * time for expiry. A replay renames the list to `{p:<subject>}:replaying`
 * atomically, so records parked meanwhile wait for the next claim.
 */
export function createRedisParkedEvents({ redis, prefix, maxPerSubject, retentionMs }: RedisParkedEventsOptions): ParkedEvents {
  const scripted = redis as Redis & Partial<Scripts>;
  if (!scripted.tallyPark) {
    redis.defineCommand('tallyPark', { numberOfKeys: 1, lua: PARK });
    redis.defineCommand('tallyParkedClaim', { numberOfKeys: 2, lua: CLAIM });
    redis.defineCommand('tallyParkedRelease', { numberOfKeys: 1, lua: RELEASE });
    redis.defineCommand('tallyParkedDrop', { numberOfKeys: 2, lua: DROP });
  }
  const scripts = redis as Redis & Scripts;
  const index = `${prefix}{parked}:subjects`;
  const ttlMs = retentionMs + 86_400_000;
  const keys = (subject: string) => ({ list: `${prefix}{p:${subject}}:list`, replaying: `${prefix}{p:${subject}}:replaying` });
  const decode = (entries: string[]) => entries.map((entry) => JSON.parse(entry) as LogRecord);

  return {
    async park(records) {
      const bySubject = new Map<string, string[]>();
      for (const record of records) {
        const entries = bySubject.get(record.event.subject) ?? [];
        const { json: _text, ...stored } = record; // the event is in the record already
        entries.push(JSON.stringify(stored));
        bySubject.set(record.event.subject, entries);
      }
      const pipeline = redis.pipeline();
      const nowMs = Date.now();
      for (const [subject, entries] of bySubject) {
        (pipeline as unknown as Scripts).tallyPark(keys(subject).list, maxPerSubject, ttlMs, ...entries);
        pipeline.zadd(index, nowMs, subject);
      }
      const replies = (await pipeline.exec()) ?? [];
      const dropped: string[] = [];
      for (const [error, reply] of replies) {
        if (error) throw error;
        if (Array.isArray(reply)) dropped.push(...(reply as string[]));
      }
      return decode(dropped);
    },

    async claim(subject): Promise<ParkedClaim> {
      const { list, replaying } = keys(subject);
      const entries = await scripts.tallyParkedClaim(list, replaying);
      return {
        records: decode(entries),
        async release() {
          if (entries.length > 0) await scripts.tallyParkedRelease(replaying, entries.length, entries[0] ?? '');
        },
      };
    },

    async expire(olderThanMs) {
      const subjects = await redis.zrangebyscore(index, '-inf', `(${olderThanMs}`, 'LIMIT', 0, 1000);
      const dropped: LogRecord[] = [];
      for (const subject of subjects) {
        const { list, replaying } = keys(subject);
        const ttlThreshold = ttlMs - (Date.now() - olderThanMs);
        const entries = await scripts.tallyParkedDrop(list, replaying, ttlThreshold);
        if (entries === null) continue; // parked to meanwhile: its newer score keeps it
        dropped.push(...decode(entries));
        await redis.zrem(index, subject);
      }
      return dropped;
    },
  };
}
