import type { Redis } from 'ioredis';

/**
 * Applies a chunk of events atomically per event: the dedupe marker and every
 * meter update of an event happen in the same script run, so an event is
 * either fully counted once or not at all. KEYS are customer bases
 * (`<prefix>{c:<id>}:`); every key the script touches extends one of them,
 * so a call that names one customer (or customers of one slot) stays
 * single-slot on Redis Cluster.
 *
 * ARGV[1] is one JSON array (`apply-payload.ts`), decoded by cjson in C:
 * cheaper on both sides than hundreds of separate arguments. Numbers in it
 * are only what the script computes with (counts, indexes); what goes into
 * a Redis command is text, as Redis would print a Lua number with
 * snprintf("%.17g"), which costs more than the command. Its values:
 * uniqueExactLimit, eventCount, groupCount, hourCount, the groups
 * ("<meterId>:<gid>"), the hours (6 values each: dedupe hour, minute, hour
 * and day key times ("" when past retention), hour field, day field), then
 * the events. An event: customer (index into KEYS), hour (index), dedupe
 * field, timeMs, minute field, update count (-count - 1 when the dedupe
 * hash's expireAt follows). An update: op, value, group (index); an op of two
 * characters ("C+") is followed by the dimensions JSON ("" when the group is
 * known) and the keys' expireAts ([minute, hour, day], "" where set, or 0 for
 * none); UNIQUE_COUNT then adds its minute, hour and day bucket times. Ops
 * "I" and "a" are SUM and AVG of an integer value: HINCRBY (a fraction of
 * HINCRBYFLOAT's cost, which formats long doubles), falling back to
 * HINCRBYFLOAT when the field holds a fraction or the sum leaves int64.
 * Returns one character per event: 1 applied, 0 duplicate.
 */
const APPLY = `
local A = cjson.decode(ARGV[1])
local limit = A[1]
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
local function add(key, f, value)
  if type(redis.pcall('HINCRBY', key, f, value)) == 'table' then redis.call('HINCRBYFLOAT', key, f, value) end
end
local function update(op, key, f, value, time)
  if op == 'A' or op == 'a' then
    if op == 'a' then add(key, f, value) else redis.call('HINCRBYFLOAT', key, f, value) end
    redis.call('HINCRBY', key, f .. 'n', 1)
  elseif op == 'm' or op == 'M' then
    local current = tonumber(redis.call('HGET', key, f))
    local v = tonumber(value)
    if not current or (op == 'm' and v < current) or (op == 'M' and v > current) then redis.call('HSET', key, f, value) end
  elseif op == 'L' then
    local at = tonumber(redis.call('HGET', key, f .. 't'))
    -- Greatest time wins; on a tie the greater value, so the order of arrival never matters.
    local t = tonumber(time)
    if not at or t > at or (t == at and tonumber(value) > tonumber(redis.call('HGET', key, f))) then
      redis.call('HSET', key, f, value, f .. 't', time)
    end
  end
end
local out = {}
-- Expiries and group dimensions come with every event until one is applied; write each once per call.
local done = {}
local groupCount, hourCount = A[3], A[4]
local groups, bucketPrefixes = {}, {}
for k = 1, groupCount do
  groups[k] = A[4 + k]
  bucketPrefixes[k] = 'b:' .. A[4 + k]
end
-- Per hour: dedupe hour, then per granularity the bucket key suffix (false when past retention) and field.
local hours = {}
for k = 1, hourCount do
  local b = 4 + groupCount + (k - 1) * 6
  local function suffix(code, time) if time == '' then return false end return code .. time end
  hours[k] = { A[b + 1], suffix(':m:', A[b + 2]), suffix(':h:', A[b + 3]), suffix(':d:', A[b + 4]), 0, A[b + 5], A[b + 6] }
end
local i = 5 + groupCount + hourCount * 6
for e = 1, A[2] do
  local base = KEYS[A[i]]
  local hour = hours[A[i + 1]]
  local dkey = base .. 'd:' .. hour[1]
  local time = A[i + 3]
  hour[5] = A[i + 4]
  local n = A[i + 5]
  local j = i + 6
  local dexp = ''
  if n < 0 then
    n, dexp, j = -n - 1, A[j], j + 1
  end
  local applied = redis.call('HSETNX', dkey, A[i + 2], '') == 1
  out[e] = applied and '1' or '0'
  -- Never shorten: a late event may have pushed this marker hash's expiry further out.
  if applied and dexp ~= '' and not done[dkey] then
    done[dkey] = true
    -- A new hash (no expiry yet) takes it in one call; an existing one only a later expiry (GT treats none as infinite).
    if redis.call('PEXPIREAT', dkey, dexp, 'NX') == 0 then redis.call('PEXPIREAT', dkey, dexp, 'GT') end
  end
  for u = 1, n do
    local op, value, g = A[j], A[j + 1], A[j + 2]
    local dims, exps = '', 0
    j = j + 3
    if #op == 2 then
      op, dims, exps, j = string.sub(op, 1, 1), A[j], A[j + 1], j + 2
    end
    local bucketTimes = j
    if op == 'U' then j = j + 3 end
    if applied then
      local mg = groups[g]
      if dims ~= '' and not done[base .. mg] then
        done[base .. mg] = true
        local sep = string.find(mg, ':', 1, true)
        redis.call('HSETNX', base .. 'g:' .. string.sub(mg, 1, sep - 1), string.sub(mg, sep + 1), dims)
      end
      local bucketPrefix = bucketPrefixes[g]
      for k = 1, 3 do
        local suffix = hour[1 + k]
        if suffix then
          local exp = exps ~= 0 and exps[k] or ''
          if op == 'U' then
            unique(base .. 'u:' .. mg .. string.sub(suffix, 1, 3) .. A[bucketTimes + k - 1], value, exp)
          else
            local key = base .. bucketPrefix .. suffix
            local f = hour[4 + k]
            if op == 'C' then redis.call('HINCRBY', key, f, '1')
            elseif op == 'I' then add(key, f, value)
            elseif op == 'S' then redis.call('HINCRBYFLOAT', key, f, value)
            else update(op, key, f, value, time) end
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
  tallyApplyEvents(numberOfKeys: number, ...keysAndPayload: Array<string | Buffer>): Promise<string>;
}

export function defineApplyScript(redis: Redis): Redis & ApplyScript {
  const scripted = redis as Redis & Partial<ApplyScript>;
  // numberOfKeys is given per call: a call names as many customers as it carries.
  if (!scripted.tallyApplyEvents) redis.defineCommand('tallyApplyEvents', { lua: APPLY });
  return redis as Redis & ApplyScript;
}
