import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/free-port.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface TallyProcess {
  baseUrl: string;
  adminToken: string;
  /** An API call with the admin token unless another is given; JSON in, JSON (or undefined) out. */
  call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }>;
  /** What the process wrote, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * `tally all` from the sources, as `make run` starts it: ingest, api (with
 * the console from dist/console) and the worker in one process, on a free
 * port, with its own key prefix in the given Redis.
 */
export async function startTallyProcess(redisUrl: string): Promise<TallyProcess> {
  const port = await freePort();
  const adminToken = `console-e2e-admin-${process.pid}-${Date.now()}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/cli.ts', 'all'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      REDIS_URL: redisUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      TALLY_REDIS_PREFIX: `console-e2e-${process.pid}-${Date.now()}:`,
      TALLY_ADMIN_TOKEN: adminToken,
      TALLY_CONSOLE_DIR: `${root}dist/console`,
      TALLY_LOG_FETCH_WAIT_MS: '10',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;

  const call: TallyProcess['call'] = async (method, path, body, token = adminToken) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };

  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`tally exited with ${child.exitCode}:\n${output}`);
      const ready = await fetch(`${baseUrl}/readyz`).catch(() => undefined);
      if (ready?.status !== 200) throw new Error(`tally is not ready yet:\n${output}`);
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );

  return {
    baseUrl,
    adminToken,
    call,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
