import type { ChainableCommander, Redis } from 'ioredis';

/**
 * HGETALL of every key, answered as flat `[name, value, ...]` arrays in key
 * order. One call per customer reads all its bucket hashes (its keys share
 * the `{c:<id>}` slot, so this holds on Redis Cluster too) without a reply
 * object per hash on the client.
 */
const READ_HASHES = `
local out = {}
for i, key in ipairs(KEYS) do out[i] = redis.call('HGETALL', key) end
return out
`;

export interface ReadHashesCommand {
  tallyReadHashes(numberOfKeys: number, ...keys: string[]): ChainableCommander;
}

/** A pipeline able to queue `tallyReadHashes` (the script is registered once per client). */
export function readHashesPipeline(redis: Redis): ChainableCommander & ReadHashesCommand {
  const scripted = redis as Redis & Partial<ReadHashesCommand>;
  if (!scripted.tallyReadHashes) redis.defineCommand('tallyReadHashes', { lua: READ_HASHES });
  return redis.pipeline() as ChainableCommander & ReadHashesCommand;
}
