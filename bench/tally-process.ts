import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnNode, type NodeProcess } from './node-process.js';

export type TallyRole = 'ingest' | 'worker' | 'api' | 'all';

const cli = fileURLToPath(new URL('../dist/services/cli.js', import.meta.url));

export function hasCli(): boolean {
  return existsSync(cli);
}

/**
 * One Tally process started as in production: the built CLI
 * (`node dist/services/cli.js <role>`), configured through its environment.
 * `extraNodeArgs` lets a run add `--cpu-prof`.
 */
export function startTally({ role, env, port, extraNodeArgs }: { role: TallyRole; env: Record<string, string>; port?: number; extraNodeArgs?: string[] }): Promise<NodeProcess> {
  if (!hasCli()) throw new Error(`${cli} is missing: run make build`);
  return spawnNode({
    name: role,
    args: [cli, role],
    env: { LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env, ...(port ? { PORT: String(port) } : {}) },
    readyUrl: port ? `http://127.0.0.1:${port}/healthz` : undefined,
    extraNodeArgs,
  });
}
