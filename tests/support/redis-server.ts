import { spawn, type ChildProcess } from 'node:child_process';
import { after, before } from 'node:test';
import { Redis } from 'ioredis';
import { eventually } from './eventually.js';
import { freePort } from './free-port.js';

/** A throwaway `redis-server` on a free port, no persistence. Can be stopped and restarted on the same port. */
export interface TestRedis {
  url: string;
  port: number;
  /** Stops the server (SIGKILL: like a crash). */
  stop(): Promise<void>;
  /** Starts it again on the same port: empty, or with what it held when started with `dataDir`. */
  restart(): Promise<void>;
}

export interface RedisOptions {
  /** Keep the data in an append-only file here (fsync on every write), so a crash and restart loses nothing. */
  dataDir?: string;
}

export async function startRedis({ dataDir }: RedisOptions = {}): Promise<TestRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const persistence = dataDir ? ['--dir', dataDir, '--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];

  const launch = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], {
      stdio: 'ignore',
    });
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // refused until the server listens: expected while probing
    try {
      await eventually(async () => {
        if (probe.status !== 'ready') await probe.connect().catch(() => undefined);
        if ((await probe.ping()) !== 'PONG') throw new Error('redis not ready');
      }, { timeoutMs: 10_000 });
    } finally {
      probe.disconnect();
    }
  };

  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };

  await launch();
  process.once('exit', () => child?.kill('SIGKILL'));
  return { url: `redis://127.0.0.1:${port}`, port, stop, restart: launch };
}

/**
 * One redis-server and one client for a test file: started before its
 * tests, stopped after them. `onReady` receives the client (and the server)
 * so the file can keep them in its own variables.
 */
export function useRedisClient(onReady: (client: Redis, server: TestRedis) => void): void {
  let server: TestRedis | undefined;
  let client: Redis | undefined;
  before(async () => {
    server = await startRedis();
    client = new Redis(server.url);
    onReady(client, server);
  });
  after(async () => {
    await client?.quit();
    await server?.stop();
  });
}

/**
 * One redis-server and one app on it for a test file: started before its
 * tests, closed after them. Returns a getter that fails clearly when called
 * outside the tests.
 */
export function useAppOnRedis<App extends { close(): Promise<void> }>(name: string, start: (redisUrl: string) => Promise<App>): () => App {
  let app: App | undefined;
  let stopRedis: (() => Promise<void>) | undefined;
  before(async () => {
    const server = await startRedis();
    stopRedis = server.stop;
    app = await start(server.url);
  });
  after(async () => {
    await app?.close();
    await stopRedis?.();
  });
  return () => {
    if (!app) throw new Error(`the ${name} is not started`);
    return app;
  };
}
