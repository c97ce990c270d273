import type { Redis } from 'ioredis';

/** How many commands `run` sent through `redis` (to prove that a cache answered). */
export async function countRedisCommands(redis: Redis, run: () => Promise<void>): Promise<number> {
  let commands = 0;
  const sendCommand = redis.sendCommand.bind(redis);
  redis.sendCommand = ((...args: Parameters<Redis['sendCommand']>) => {
    commands++;
    return sendCommand(...args);
  }) as Redis['sendCommand'];
  try {
    await run();
  } finally {
    redis.sendCommand = sendCommand;
  }
  return commands;
}
