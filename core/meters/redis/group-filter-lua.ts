import type { ChainableCommander, Redis } from 'ioredis';

/**
 * The opening both read scripts share: KEYS[1] is a customer's group index
 * of a meter (gid -> dimensions JSON) and ARGV[2] the filters as JSON
 * (dimension -> accepted values; "{}" for none). Defines `index` (the
 * HGETALL reply) and `matches(json)`: whether a group's dimensions pass
 * every filter (a missing or non-string dimension counts as "").
 */
export const GROUP_FILTER_LUA = `
local index = redis.call('HGETALL', KEYS[1])
local filters = nil
if ARGV[2] ~= '{}' then filters = cjson.decode(ARGV[2]) end
local function matches(json)
  if not filters then return true end
  local dimensions = cjson.decode(json)
  for key, values in pairs(filters) do
    local value = dimensions[key]
    if type(value) ~= 'string' then value = '' end
    local found = false
    for _, accepted in ipairs(values) do
      if accepted == value then found = true break end
    end
    if not found then return false end
  end
  return true
end
`;

/** The client with the named read script registered (`defineCommand`, once per client). */
export function scriptClient<Command>(redis: Redis, name: string, lua: string): Redis & Command {
  if (!(name in redis)) redis.defineCommand(name, { lua });
  return redis as Redis & Command;
}

/** A pipeline able to queue the named read script. */
export function scriptPipeline<Command>(redis: Redis, name: string, lua: string): ChainableCommander & Command {
  return scriptClient(redis, name, lua).pipeline() as ChainableCommander & Command;
}
