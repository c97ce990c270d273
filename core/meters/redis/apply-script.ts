import type { Redis } from 'ioredis';

/**
 * Applies a chunk of events atomically per event: the dedupe marker and every
 * meter update of an event happen in the same script run, so an event is
 * either fully counted once or not at all. KEYS are customer bases
 * (`<prefix>{c:<id>}:`); every key the script touches extends one of them,
 * so a call that names one customer (or customers of one slot) stays
 * single-slot on Redis Cluster.
 *
 * ARGV: uniqueExactLimit, eventCount, groupCount, hourCount, the groups
 * ("<meterId>:<gid>"), the hours (6 values each: dedupe hour, minute, hour
 * and day key times ("" when past retention), hour field, day field), then
 * the events. An event: customer (index into KEYS), hour (index), dedupe
 * field, timeMs, minute field, update count (-count - 1 when the dedupe
 * hash's expireAt follows). An update: op, value, group (index); an op of two
 * characters ("C+") is followed by the dimensions JSON ("" when the group is
 * known) and the keys' expiries ("" when set, else "minute,hour,day"
 * expireAts with "" for those set); UNIQUE_COUNT then adds its minute, hour
 * and day bucket times. What rarely changes is sent only when it does: every
 * argument costs both sides.
 * Returns one character per event: 1 applied, 0 duplicate.
 */
const APPLY = `
local limit = tonumber(ARGV[1])
local codes = {':m:', ':h:', ':d:'}
local groups = {}
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
local groupCount, hourCount = tonumber(ARGV[3]), tonumber(ARGV[4])
for k = 1, groupCount do groups[k] = ARGV[4 + k] end
local hours = {}
for k = 1, hourCount do
  local b = 4 + groupCount + (k - 1) * 6
  hours[k] = { ARGV[b + 1], ARGV[b + 2], ARGV[b + 3], ARGV[b + 4], ARGV[b + 5], ARGV[b + 6] }
end
local i = 5 + groupCount + hourCount * 6
for e = 1, tonumber(ARGV[2]) do
  local base = KEYS[tonumber(ARGV[i])]
  local hour = hours[tonumber(ARGV[i + 1])]
  local dkey = base .. 'd:' .. hour[1]
  local time, minuteField = ARGV[i + 3], ARGV[i + 4]
  local n = tonumber(ARGV[i + 5])
  local j = i + 6
  local dexp = ''
  if n < 0 then
    n, dexp, j = -n - 1, ARGV[j], j + 1
  end
  local applied = redis.call('HSETNX', dkey, ARGV[i + 2], '') == 1
  out[e] = applied and '1' or '0'
  -- Never shorten: a late event may have pushed this marker hash's expiry further out.
  if applied and dexp ~= '' and not done[dkey] then
    done[dkey] = true
    if redis.call('PEXPIRETIME', dkey) < tonumber(dexp) then redis.call('PEXPIREAT', dkey, dexp) end
  end
  for u = 1, n do
    local op, value, mg = ARGV[j], ARGV[j + 1], groups[tonumber(ARGV[j + 2])]
    local dims, exps = '', ''
    j = j + 3
    if #op == 2 then
      op, dims, exps, j = string.sub(op, 1, 1), ARGV[j], ARGV[j + 1], j + 2
    end
    local bucketTimes = j
    if op == 'U' then j = j + 3 end
    if applied then
      if dims ~= '' and not done[base .. mg] then
        done[base .. mg] = true
        local sep = string.find(mg, ':', 1, true)
        redis.call('HSETNX', base .. 'g:' .. string.sub(mg, 1, sep - 1), string.sub(mg, sep + 1), dims)
      end
      local expiry = nothing
      if exps ~= '' then expiry = { string.match(exps, '^([^,]*),([^,]*),([^,]*)$') } end
      for g = 1, 3 do
        local kt = hour[1 + g]
        if kt ~= '' then
          local exp = expiry[g] or ''
          if op == 'U' then
            unique(base .. 'u:' .. mg .. codes[g] .. ARGV[bucketTimes + g - 1], value, exp)
          else
            local key = base .. 'b:' .. mg .. codes[g] .. kt
            update(op, key, g == 1 and minuteField or hour[3 + g], value, time)
            if exp ~= '' and not done[key] then
              done[key] = true
              redis.call('PEXPIREAT', key, exp)
            end
          end
        end
      end
    end
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
