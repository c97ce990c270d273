import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually } from './eventually.js';
import { freePort } from './free-port.js';

/** `tally <role>` as its own OS process (the real CLI), so tests can SIGKILL or SIGTERM it. */
export interface TallyProcess {
  url: string;
  pid: number;
  /** Every stdout/stderr line so far (JSON logs and CLI messages). */
  output: string[];
  signal(signal: NodeJS.Signals): void;
  /** Resolves once a line of its output matches. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<number | string>;
}

const cli = fileURLToPath(new URL('../../services/cli.ts', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));

export async function startTallyProcess(role: 'all' | 'ingest' | 'api' | 'worker', env: Record<string, string>): Promise<TallyProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', cli, role], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      process.removeListener('exit', killOnExit);
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => {
    if (gone) throw new Error(`tally ${role} exited at start: ${output.slice(-5).join(' | ')}`);
    const res = await fetch(`${url}/healthz`);
    if (res.status !== 200) throw new Error(`healthz ${res.status}`);
  }, { timeoutMs: 30_000, intervalMs: 50 }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    url,
    pid: child.pid ?? 0,
    output,
    signal: (signal) => void child.kill(signal),
    waitForOutput: (pattern, timeoutMs = 30_000) =>
      eventually(() => {
        if (!output.some((line) => pattern.test(line))) throw new Error(`no output line matches ${pattern}`);
      }, { timeoutMs, intervalMs: 50 }),
    exited,
    async stop(graceMs = 10_000) {
      if (gone) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}
