import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnNode, type NodeProcess } from './node-process.js';

export type TallyRole = 'ingest' | 'worker' | 'api' | 'all';

const cli = fileURLToPath(new URL('../dist/services/cli.js', import.meta.url));

/**
 * Node flags of the processes that run the worker, as README.md's
 * Configuration (Worker) says to start them: a 32 MB young generation
 * holds a whole batch in flight, so scavenges stop copying and promoting it
 * (worker CPU per event ~31 -> ~27 µs, GC ~7 -> ~4 µs, docs/bench.md).
 */
export const ROLE_NODE_ARGS: Record<TallyRole, string[]> = { ingest: [], api: [], worker: ['--max-semi-space-size=32'], all: ['--max-semi-space-size=32'] };

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
    extraNodeArgs: [...ROLE_NODE_ARGS[role], ...(extraNodeArgs ?? [])],
  });
}
