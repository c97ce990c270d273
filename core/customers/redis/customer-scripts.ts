import type { Redis } from 'ioredis';

// KEYS (all scripts that write): docs, keys, subjects, active, all, version.
const RELEASE = `
local function release(id, doc)
  local old = cjson.decode(doc)
  if type(old.key) == 'string' and redis.call('HGET', KEYS[2], old.key) == id then
    redis.call('HDEL', KEYS[2], old.key)
  end
  local attribution = old.usageAttribution
  if type(attribution) == 'table' and type(attribution.subjectKeys) == 'table' then
    for _, subject in ipairs(attribution.subjectKeys) do
      if redis.call('HGET', KEYS[3], subject) == id then redis.call('HDEL', KEYS[3], subject) end
    end
  end
end
`;

/**
 * ARGV id, mode ("create" | "replace"), json, key ("" for none), subject keys...
 * Returns {"ok", subjects now resolving to the customer...}, {"missing"}, or
 * {conflict, value, holder id}. Checks and claims happen in one script so
 * concurrent writers can never both claim a subject.
 */
const SAVE = `${RELEASE}
local id, mode, json, key = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local old = redis.call('HGET', KEYS[1], id)
if mode == 'replace' and (not old or not redis.call('ZSCORE', KEYS[4], id)) then return {'missing'} end
if mode == 'create' and old then return {'missing'} end
if key ~= '' then
  local holder = redis.call('HGET', KEYS[2], key)
  if holder and holder ~= id then return {'key_taken', key, holder} end
  holder = redis.call('HGET', KEYS[3], key)
  if holder and holder ~= id then return {'key_is_subject', key, holder} end
end
for i = 5, #ARGV do
  local holder = redis.call('HGET', KEYS[3], ARGV[i])
  if holder and holder ~= id then return {'subject_taken', ARGV[i], holder} end
end
if old then release(id, old) end
local claimed = {'ok'}
if key ~= '' then
  redis.call('HSET', KEYS[2], key, id)
  table.insert(claimed, key)
end
for i = 5, #ARGV do
  local subject = ARGV[i]
  redis.call('HSET', KEYS[3], subject, id)
  local keyHolder = redis.call('HGET', KEYS[2], subject)
  -- A subject that is another customer's key resolves to that customer.
  if subject ~= key and (not keyHolder or keyHolder == id) then table.insert(claimed, subject) end
end
redis.call('HSET', KEYS[1], id, json)
redis.call('ZADD', KEYS[4], 0, id)
redis.call('ZADD', KEYS[5], 0, id)
redis.call('INCR', KEYS[6])
return claimed
`;

/** ARGV id, json with deletedAt. Returns 0 when the customer is missing or already deleted. */
const DELETE = `${RELEASE}
local id = ARGV[1]
local old = redis.call('HGET', KEYS[1], id)
if not old or not redis.call('ZSCORE', KEYS[4], id) then return 0 end
release(id, old)
redis.call('HSET', KEYS[1], id, ARGV[2])
redis.call('ZREM', KEYS[4], id)
redis.call('INCR', KEYS[6])
return 1
`;

/** KEYS keys, subjects; ARGV subject. Key match first, then subject keys. */
const RESOLVE = `
return redis.call('HGET', KEYS[1], ARGV[1]) or redis.call('HGET', KEYS[2], ARGV[1])
`;

export interface CustomerScripts {
  tallyCustomerSave(...keysAndArgs: string[]): Promise<string[]>;
  tallyCustomerDelete(...keysAndArgs: string[]): Promise<number>;
  tallySubjectResolve(keys: string, subjects: string, subject: string): Promise<string | null>;
}

export function defineCustomerScripts(redis: Redis): Redis & CustomerScripts {
  const scripted = redis as Redis & Partial<CustomerScripts>;
  if (!scripted.tallyCustomerSave) {
    redis.defineCommand('tallyCustomerSave', { numberOfKeys: 6, lua: SAVE });
    redis.defineCommand('tallyCustomerDelete', { numberOfKeys: 6, lua: DELETE });
    redis.defineCommand('tallySubjectResolve', { numberOfKeys: 2, lua: RESOLVE });
  }
  return redis as Redis & CustomerScripts;
}
