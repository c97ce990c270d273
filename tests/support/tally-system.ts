import { Writable } from 'node:stream';
import { loadConfig } from '../../core/config/config.js';
import { createLogger } from '../../services/compose/create-logger.js';
import { startTally, type RunningTally } from '../../services/compose/start-tally.js';
import { workerSlot } from '../../services/compose/worker-slot.js';
import { startKafkaMock, type KafkaMock } from './kafka-mock.js';
import { startRedis, type TestRedis } from './redis-server.js';

export type SystemLog = 'redis-stream' | 'kafka';

export interface TallySystemOptions {
  /** Which log carries events from ingest to the worker (default: the Redis Stream). */
  log?: SystemLog;
  /** Reuse a running Redis (each system still gets its own key prefix); default: start one. */
  redisUrl?: string;
  /** Extra environment for `loadConfig` (e.g. `TALLY_QUERY_MAX_WINDOWS`). */
  env?: Record<string, string>;
}

export interface SystemResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed when the response is JSON. */
  body: unknown;
}

export interface CallOptions {
  /** Default: the admin token; null sends no Authorization header. */
  token?: string | null;
  /** JSON-encoded unless a string. */
  body?: unknown;
  contentType?: string;
  accept?: string;
}

/** The whole of Tally in this process: real Redis, a real log, the `all` role (ingest + api) on a port, the worker. */
export interface TallySystem {
  baseUrl: string;
  tally: RunningTally;
  adminToken: string;
  readToken: string;
  ingestToken: string;
  call(method: string, path: string, options?: CallOptions): Promise<SystemResponse>;
  stop(): Promise<void>;
}

let systems = 0;

/**
 * Starts Tally as `tally all` would (the real composition root and worker),
 * with its own Redis key prefix, stream or topic and consumer group, so
 * several systems can share one Redis. Stop it with `stop()`.
 */
export async function startTallySystem({ log = 'redis-stream', redisUrl, env = {} }: TallySystemOptions = {}): Promise<TallySystem> {
  const id = `sys${process.pid}-${Date.now()}-${++systems}`;
  const ownRedis: TestRedis | undefined = redisUrl ? undefined : await startRedis();
  const kafka: KafkaMock | undefined = log === 'kafka' ? await startKafkaMock({ topics: [{ name: `${id}-events`, partitions: 2 }] }) : undefined;
  const adminToken = `admin-${id}-token`;
  const config = loadConfig({
    REDIS_URL: redisUrl ?? ownRedis!.url,
    TALLY_REDIS_PREFIX: `${id}:`,
    HOST: '127.0.0.1',
    PORT: '0',
    TALLY_ADMIN_TOKEN: adminToken,
    TALLY_LOG_FETCH_WAIT_MS: '10',
    TALLY_CACHE_MAX_AGE_MS: '50',
    ...(kafka ? { KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_TOPIC: `${id}-events`, KAFKA_GROUP_ID: `${id}-group`, KAFKA_CLIENT_ID: id } : {}),
    ...env,
  });
  const logger = createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, done) => done() }) });
  let tally: RunningTally;
  try {
    tally = await startTally({ role: 'all', config, logger, worker: workerSlot });
  } catch (error) {
    await kafka?.stop();
    await ownRedis?.stop();
    throw error;
  }
  const readToken = (await tally.runtime.tokens.create({ name: 'billing', scopes: ['read'] })).token;
  const ingestToken = (await tally.runtime.tokens.create({ name: 'gateway', scopes: ['ingest'] })).token;
  const baseUrl = `http://127.0.0.1:${tally.port}`;

  return {
    baseUrl,
    tally,
    adminToken,
    readToken,
    ingestToken,
    async call(method, path, { token = adminToken, body, contentType, accept } = {}) {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = contentType ?? 'application/json';
      if (accept) headers.accept = accept;
      const response = await fetch(baseUrl + path, {
        method,
        headers,
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      const json = /json/.test(response.headers.get('content-type') ?? '') && text !== '';
      return { status: response.status, headers: response.headers, text, body: json ? JSON.parse(text) : undefined };
    },
    async stop() {
      await tally.stop();
      await kafka?.stop();
      await ownRedis?.stop();
    },
  };
}
