import type { Logger } from 'pino';
import type { Config } from '../../core/config/config.js';
import { createApp } from '../http/create-app.js';
import { allRouters, apiRouters, ingestRouters, opsRouters } from './create-routers.js';
import { createRuntime, type Runtime } from './create-runtime.js';
import { serveHttp, type HttpServer } from './serve-http.js';
import type { RunningWorker, WorkerSlot } from './worker-slot.js';

export const roles = ['ingest', 'api', 'worker', 'all'] as const;
export type Role = (typeof roles)[number];

/** `tally worker` was asked for but this build has no worker. */
export class WorkerMissingError extends Error {
  constructor() {
    super('this build has no worker yet (services/compose/worker-slot.ts is empty): run `tally ingest`, `tally api` or `tally all`');
    this.name = 'WorkerMissingError';
  }
}

export interface RunningTally {
  runtime: Runtime;
  /** The HTTP port (every role serves at least /healthz, /readyz and /metrics). */
  port: number;
  /** Graceful: stop accepting and finish in-flight requests and the worker's batch, then flush and close every client. */
  stop(): Promise<void>;
}

function routersOf(role: Role, runtime: Runtime) {
  if (role === 'ingest') return ingestRouters(runtime);
  if (role === 'api') return apiRouters(runtime);
  if (role === 'all') return allRouters(runtime);
  return opsRouters(runtime);
}

/** Starts one role of Tally in this process: the composition root, its HTTP server and, for worker/all, the worker. */
export async function startTally({ role, config, logger, worker }: { role: Role; config: Config; logger: Logger; worker: WorkerSlot | undefined }): Promise<RunningTally> {
  if (role === 'worker' && !worker) throw new WorkerMissingError();
  const runtime = await createRuntime({ config, logger, createSubjectsClaimedHook: worker?.createSubjectsClaimedHook });
  let server: HttpServer | undefined;
  let running: RunningWorker | undefined;
  try {
    const app = createApp({ logger, metrics: runtime.metrics, routers: routersOf(role, runtime) });
    // An in-flight request is bounded by reading its body and then publishing it.
    const graceMs = config.limits.bodyTimeoutMs + config.limits.publishTimeoutMs;
    server = await serveHttp({ app, port: config.port, host: config.host, graceMs });
    if (role === 'all' && !worker) logger.warn('this build has no worker: events are ingested but no meters are materialized');
    if ((role === 'worker' || role === 'all') && worker) running = await worker.startWorker(runtime);
  } catch (error) {
    await server?.close();
    await runtime.close();
    throw error;
  }
  const http = server;
  const port = http.port;
  logger.info({ role, port, log: config.kafka ? 'kafka' : 'redis-stream' }, 'tally started');

  let stopping: Promise<void> | undefined;
  return {
    runtime,
    port,
    stop() {
      stopping ??= (async () => {
        await Promise.all([http.close(), running?.stop()]);
        await runtime.close();
      })();
      return stopping;
    },
  };
}
