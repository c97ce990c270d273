import type { Redis } from 'ioredis';

/**
 * Applies a chunk of one customer's events atomically per event: the dedupe
 * marker and every meter update of an event happen in the same script run,
 * so an event is either fully counted once or not at all. Every key is built
 * from KEYS[1] (the customer's `{c:<id>}:` base), hence one slot.
 *
 * ARGV: nowMs, dedupeTtlMs, uniqueExactLimit, eventCount, then per event 18
 * values: dedupe hour, dedupe expireAt, late (1|0), dedupe field, timeMs,
 * minute key time, minute field, minute expireAt, hour key time, hour field,
 * hour expireAt, day key time, day field, day expireAt, unique minute time,
 * unique hour time, unique day time, update count; then per update 4 values: op, value, "<meterId>:<gid>",
 * dimensions JSON ("" when already sent in this chunk).
 * A granularity whose key time is "" is past retention and skipped.
 * Returns one character per event: 1 applied, 0 duplicate.
 */
const APPLY = `
local base = KEYS[1]
local now, ttl, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local seen, fresh = {}, {}
local function touch(key, expireAt)
  if seen[key] then return end
  seen[key] = true
  if redis.call('EXISTS', key) == 0 then fresh[key] = expireAt end
end
local function unique(key, value, expireAt)
  local kind = redis.call('TYPE', key).ok
  if kind == 'none' then
    redis.call('SADD', key, value)
    redis.call('PEXPIREAT', key, expireAt)
  elseif kind == 'set' then
    if redis.call('SADD', key, value) == 1 and redis.call('SCARD', key) > limit then
      local members = redis.call('SMEMBERS', key)
      local pttl = redis.call('PTTL', key)
      redis.call('DEL', key)
      for i = 1, #members, 1000 do
        redis.call('PFADD', key, unpack(members, i, math.min(i + 999, #members)))
      end
      if pttl > 0 then redis.call('PEXPIRE', key, pttl) end
    end
  else
    redis.call('PFADD', key, value)
  end
end
local function update(op, key, f, value, time)
  if op == 'C' then
    redis.call('HINCRBY', key, f, 1)
  elseif op == 'S' then
    redis.call('HINCRBYFLOAT', key, f, value)
  elseif op == 'A' then
    redis.call('HINCRBYFLOAT', key, f, value)
    redis.call('HINCRBY', key, f .. 'n', 1)
  elseif op == 'm' or op == 'M' then
    local current = tonumber(redis.call('HGET', key, f))
    local v = tonumber(value)
    if not current or (op == 'm' and v < current) or (op == 'M' and v > current) then redis.call('HSET', key, f, value) end
  elseif op == 'L' then
    local at = tonumber(redis.call('HGET', key, f .. 't'))
    local t = tonumber(time)
    -- Greatest time wins; on a tie the greater value, so the order of arrival never matters.
    if not at or t > at or (t == at and tonumber(value) > tonumber(redis.call('HGET', key, f))) then
      redis.call('HSET', key, f, value, f .. 't', time)
    end
  end
end
local out = {}
local i = 5
for e = 1, tonumber(ARGV[4]) do
  local dkey = base .. 'd:' .. ARGV[i]
  local dexp = tonumber(ARGV[i + 1])
  local late = ARGV[i + 2] == '1'
  if not seen[dkey] then
    seen[dkey] = true
    if redis.call('EXISTS', dkey) == 0 then fresh[dkey] = dexp
    elseif late then redis.call('PEXPIREAT', dkey, dexp, 'GT') end
  end
  local n = tonumber(ARGV[i + 17])
  local j = i + 18
  if redis.call('HSETNX', dkey, ARGV[i + 3], '') == 1 then
    out[e] = '1'
    local time = ARGV[i + 4]
    for u = 1, n do
      local op, value, mg, dims = ARGV[j], ARGV[j + 1], ARGV[j + 2], ARGV[j + 3]
      if dims ~= '' then
        local sep = string.find(mg, ':', 1, true)
        redis.call('HSETNX', base .. 'g:' .. string.sub(mg, 1, sep - 1), string.sub(mg, sep + 1), dims)
      end
      for g = 0, 2 do
        local kt, f, exp = ARGV[i + 5 + g * 3], ARGV[i + 6 + g * 3], ARGV[i + 7 + g * 3]
        if kt ~= '' then
          local code = g == 0 and 'm' or (g == 1 and 'h' or 'd')
          if op == 'U' then
            -- The bucket's own start: a finer granularity's key time is "" once it is past retention.
            local bt = ARGV[i + 14 + g]
            unique(base .. 'u:' .. mg .. ':' .. code .. ':' .. bt, value, exp)
          else
            local key = base .. 'b:' .. mg .. ':' .. code .. ':' .. kt
            touch(key, exp)
            update(op, key, f, value, time)
          end
        end
      end
      j = j + 4
    end
  else
    out[e] = '0'
  end
  i = i + 18 + n * 4
end
for key, expireAt in pairs(fresh) do redis.call('PEXPIREAT', key, expireAt) end
return table.concat(out)
`;

export interface ApplyScript {
  tallyApplyEvents(base: string, ...args: Array<string | number>): Promise<string>;
}

export function defineApplyScript(redis: Redis): Redis & ApplyScript {
  const scripted = redis as Redis & Partial<ApplyScript>;
  if (!scripted.tallyApplyEvents) redis.defineCommand('tallyApplyEvents', { numberOfKeys: 1, lua: APPLY });
  return redis as Redis & ApplyScript;
}
