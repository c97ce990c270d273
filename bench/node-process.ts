import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { eventually } from '../tests/support/eventually.js';

export interface NodeProcess {
  pid: number;
  /** Peak resident set size so far (VmHWM), in bytes. */
  peakRssBytes(): number;
  /** CPU time (user + system) the process used so far, in seconds: load on a shared box does not inflate it. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

// getconf CLK_TCK: 100 on every Linux this runs on.
const clockTicksPerSecond = 100;

export interface SpawnOptions {
  /** Arguments after `node` (a script and its arguments). */
  args: string[];
  env: Record<string, string>;
  /** Polled until it answers 2xx; omit for processes without HTTP. */
  readyUrl?: string;
  /** Tag for the process's stderr lines. */
  name: string;
  extraNodeArgs?: string[];
}

/** Starts a Node process of its own (so load and server never share an event loop) and waits until it serves. */
export async function spawnNode(options: SpawnOptions): Promise<NodeProcess> {
  const child: ChildProcess = spawn(process.execPath, [...(options.extraNodeArgs ?? []), ...options.args], {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[${options.name}] ${chunk}`));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (options.readyUrl) {
    const url = options.readyUrl;
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`${options.name} exited with ${child.exitCode}`);
        const response = await fetch(url);
        if (!response.ok) throw new Error(`${options.name} not ready: ${response.status}`);
      },
      { timeoutMs: 20_000, intervalMs: 50 },
    );
  }
  const pid = child.pid ?? 0;
  let peak = 0;
  const peakRssBytes = (): number => {
      try {
        const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        peak = Math.max(peak, Number(kb ?? 0) * 1024);
      } catch {
        // Already gone: keep the last reading.
      }
      return peak;
  };
  const cpuSeconds = (): number => {
    try {
      // Fields after the parenthesized command name; utime and stime are the 14th and 15th of the line.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
    } catch {
      return 0;
    }
  };
  return {
    pid,
    peakRssBytes,
    cpuSeconds,
    async stop() {
      peakRssBytes();
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return;
      const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(force);
    },
  };
}
