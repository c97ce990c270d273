import type { ChainableCommander, Redis } from 'ioredis';

/**
 * One customer's part of a meter query in one call: its group index, the
 * filter on each group's dimensions, and HGETALL of every bucket hash of
 * each matching group, its names and values joined with newlines (one reply
 * string per hash; names and values never hold one). The bucket keys
 * are built here from the customer's base, as the worker's apply script
 * builds them: they share the `{c:<id>}` slot of KEYS[1], so this holds on
 * Redis Cluster too.
 *
 * KEYS[1] `<base>g:<meterId>`; ARGV[1] `<base>b:<meterId>:`, ARGV[2] the
 * filters as JSON (dimension -> accepted values; "{}" for none), ARGV[3..]
 * the hash suffixes. Returns `{gid, dimensions JSON, {hash, ...}}` per
 * matching group.
 */
const READ_METER = `
local index = redis.call('HGETALL', KEYS[1])
local filters = nil
if ARGV[2] ~= '{}' then filters = cjson.decode(ARGV[2]) end
local out = {}
for i = 1, #index, 2 do
  local gid, json = index[i], index[i + 1]
  local keep = true
  if filters then
    local dimensions = cjson.decode(json)
    for key, values in pairs(filters) do
      local value = dimensions[key]
      if type(value) ~= 'string' then value = '' end
      local found = false
      for _, accepted in ipairs(values) do
        if accepted == value then found = true break end
      end
      if not found then keep = false break end
    end
  end
  if keep then
    local hashes = {}
    local prefix = ARGV[1] .. gid .. ':'
    for a = 3, #ARGV do hashes[a - 2] = table.concat(redis.call('HGETALL', prefix .. ARGV[a]), '\\n') end
    out[#out + 1] = { gid, json, hashes }
  end
end
return out
`;

export type ReadMeterReply = Array<[gid: string, dimensionsJson: string, hashes: string[]]>;

export interface ReadMeterCommand {
  tallyReadMeter(numberOfKeys: 1, groupIndexKey: string, bucketBase: string, filtersJson: string, ...suffixes: string[]): ChainableCommander;
}

/** A pipeline able to queue `tallyReadMeter` (the script is registered once per client). */
export function readMeterPipeline(redis: Redis): ChainableCommander & ReadMeterCommand {
  const scripted = redis as Redis & Partial<ReadMeterCommand>;
  if (!scripted.tallyReadMeter) redis.defineCommand('tallyReadMeter', { lua: READ_METER });
  return redis.pipeline() as ChainableCommander & ReadMeterCommand;
}
