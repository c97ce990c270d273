import type { ChainableCommander, Redis } from 'ioredis';
import { GROUP_FILTER_LUA, scriptClient, scriptPipeline } from './group-filter-lua.js';

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
const READ_METER = `${GROUP_FILTER_LUA}
local out = {}
for i = 1, #index, 2 do
  local gid, json = index[i], index[i + 1]
  if matches(json) then
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

/** A pipeline able to queue `tallyReadMeter`. */
export function readMeterPipeline(redis: Redis): ChainableCommander & ReadMeterCommand {
  return scriptPipeline<ReadMeterCommand>(redis, 'tallyReadMeter', READ_METER);
}

/** `tallyReadMeter` called on the client itself: one customer needs no pipeline (cheaper to build than one). */
export function readMeterOnce(redis: Redis, ...args: Parameters<ReadMeterCommand['tallyReadMeter']>): Promise<ReadMeterReply> {
  const client = scriptClient<{ tallyReadMeter(...command: Parameters<ReadMeterCommand['tallyReadMeter']>): Promise<ReadMeterReply> }>(redis, 'tallyReadMeter', READ_METER);
  return client.tallyReadMeter(...args);
}
