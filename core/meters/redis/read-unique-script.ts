import type { ChainableCommander, Redis } from 'ioredis';
import { GROUP_FILTER_LUA, scriptPipeline } from './group-filter-lua.js';

/**
 * One customer's part of a UNIQUE_COUNT query in one call: its group index,
 * the filter on each group's dimensions, and per matching group and answer
 * window the union of the window's bucket sets. A bucket that outgrew the
 * exact limit holds a HyperLogLog: SUNION then fails with WRONGTYPE, and
 * the window is read key by key, its sketches named for the caller to
 * merge. Keys are built from the customer's base, in the `{c:<id>}` slot of
 * KEYS[1], as the worker's apply script builds them.
 *
 * KEYS[1] `<base>g:<meterId>`; ARGV[1] `<base>u:<meterId>:`, ARGV[2] the
 * filters as JSON ("{}" for none), then per answer window: its number, how
 * many buckets, and their key suffixes. Returns `{gid, dimensions JSON,
 * {{window, members, sketch keys}, ...}}` per matching group.
 */
const READ_UNIQUE = `${GROUP_FILTER_LUA}
local function union(keys)
  local members, seen, sketches = {}, {}, {}
  for from = 1, #keys, 1000 do
    local reply = redis.pcall('SUNION', unpack(keys, from, math.min(from + 999, #keys)))
    if reply.err then
      if not string.find(reply.err, 'WRONGTYPE') then error(reply.err) end
      for k = from, math.min(from + 999, #keys) do
        local kind = redis.call('TYPE', keys[k]).ok
        if kind == 'set' then reply = redis.call('SMEMBERS', keys[k])
        else
          reply = {}
          if kind ~= 'none' then sketches[#sketches + 1] = keys[k] end
        end
        for _, member in ipairs(reply) do
          if not seen[member] then seen[member] = true members[#members + 1] = member end
        end
      end
    else
      for _, member in ipairs(reply) do
        if not seen[member] then seen[member] = true members[#members + 1] = member end
      end
    end
  end
  return members, sketches
end
local out = {}
for i = 1, #index, 2 do
  local gid, json = index[i], index[i + 1]
  if matches(json) then
    local prefix = ARGV[1] .. gid .. ':'
    local windows = {}
    local a = 3
    while a <= #ARGV do
      local window, count = ARGV[a], tonumber(ARGV[a + 1])
      local keys = {}
      for k = 1, count do keys[k] = prefix .. ARGV[a + 1 + k] end
      a = a + 2 + count
      local members, sketches = union(keys)
      if #members > 0 or #sketches > 0 then windows[#windows + 1] = { window, members, sketches } end
    end
    out[#out + 1] = { gid, json, windows }
  end
end
return out
`;

export type ReadUniqueReply = Array<[gid: string, dimensionsJson: string, windows: Array<[window: string, members: string[], sketchKeys: string[]]>]>;

export interface ReadUniqueCommand {
  tallyReadUnique(numberOfKeys: 1, groupIndexKey: string, setBase: string, filtersJson: string, ...windows: string[]): ChainableCommander;
}

/** A pipeline able to queue `tallyReadUnique`. */
export function readUniquePipeline(redis: Redis): ChainableCommander & ReadUniqueCommand {
  return scriptPipeline<ReadUniqueCommand>(redis, 'tallyReadUnique', READ_UNIQUE);
}
