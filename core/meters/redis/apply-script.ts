import type { Redis } from 'ioredis';

/**
 * Applies a chunk of events atomically per event: the dedupe marker and every
 * meter update of an event happen in the same script run, so an event is
 * either fully counted once or not at all. KEYS are customer bases
 * (`<prefix>{c:<id>}:`); every key the script touches extends one of them,
 * so a call that names one customer (or customers of one slot) stays
 * single-slot on Redis Cluster.
 *
 * ARGV: uniqueExactLimit, eventCount, groupCount, the groups
 * ("<meterId>:<gid>"), then per event 12 values: customer (index into KEYS),
 * dedupe hour, dedupe expireAt ("" when already set), dedupe field, timeMs,
 * key time and field for minute, hour and day ("" key time: past retention,
 * skipped), update count; per update 5 values: op, value, group (index),
 * dimensions JSON ("" when the group is known), expiries ("" when every key's
 * expiry is set, else "minute,hour,day" expireAts with "" for those set);
 * UNIQUE_COUNT updates add their minute, hour and day bucket times. Separate
 * arguments cost Redis less than one string per event split in Lua.
 * Returns one character per event: 1 applied, 0 duplicate.
 */
const APPLY = `
local limit = tonumber(ARGV[1])
local codes = {':m:', ':h:', ':d:'}
local groups = {}
for k = 1, tonumber(ARGV[3]) do groups[k] = ARGV[3 + k] end
local function unique(key, value, expireAt)
  local kind = redis.call('TYPE', key).ok
  if kind == 'none' then
    redis.call('SADD', key, value)
    if expireAt ~= '' then redis.call('PEXPIREAT', key, expireAt) end
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
local nothing = {}
local out = {}
-- Expiries and group dimensions come with every event until one is applied; write each once per call.
local done = {}
local i = 4 + tonumber(ARGV[3])
for e = 1, tonumber(ARGV[2]) do
  local base = KEYS[tonumber(ARGV[i])]
  local dkey = base .. 'd:' .. ARGV[i + 1]
  local n = tonumber(ARGV[i + 11])
  local applied = redis.call('HSETNX', dkey, ARGV[i + 3], '') == 1
  out[e] = applied and '1' or '0'
  local dexp = ARGV[i + 2]
  -- Never shorten: a late event may have pushed this marker hash's expiry further out.
  if applied and dexp ~= '' and not done[dkey] then
    done[dkey] = true
    if redis.call('PEXPIRETIME', dkey) < tonumber(dexp) then redis.call('PEXPIREAT', dkey, dexp) end
  end
  local time = ARGV[i + 4]
  local j = i + 12
  for u = 1, n do
    local op, value, mg, dims, exps = ARGV[j], ARGV[j + 1], groups[tonumber(ARGV[j + 2])], ARGV[j + 3], ARGV[j + 4]
    local width = op == 'U' and 8 or 5
    if applied then
      if dims ~= '' and not done[base .. mg] then
        done[base .. mg] = true
        local sep = string.find(mg, ':', 1, true)
        redis.call('HSETNX', base .. 'g:' .. string.sub(mg, 1, sep - 1), string.sub(mg, sep + 1), dims)
      end
      local expiry = nothing
      if exps ~= '' then expiry = { string.match(exps, '^([^,]*),([^,]*),([^,]*)$') } end
      for g = 1, 3 do
        local kt = ARGV[i + 3 + g * 2]
        if kt ~= '' then
          local exp = expiry[g] or ''
          if op == 'U' then
            unique(base .. 'u:' .. mg .. codes[g] .. ARGV[j + 4 + g], value, exp)
          else
            local key = base .. 'b:' .. mg .. codes[g] .. kt
            update(op, key, ARGV[i + 4 + g * 2], value, time)
            if exp ~= '' and not done[key] then
              done[key] = true
              redis.call('PEXPIREAT', key, exp)
            end
          end
        end
      end
    end
    j = j + width
  end
  i = j
end
return table.concat(out)
`;

export interface ApplyScript {
  tallyApplyEvents(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Promise<string>;
}

export function defineApplyScript(redis: Redis): Redis & ApplyScript {
  const scripted = redis as Redis & Partial<ApplyScript>;
  // numberOfKeys is given per call: a call names as many customers as it carries.
  if (!scripted.tallyApplyEvents) redis.defineCommand('tallyApplyEvents', { lua: APPLY });
  return redis as Redis & ApplyScript;
}
