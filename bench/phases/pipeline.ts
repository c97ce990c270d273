import { freePort } from '../../tests/support/free-port.js';
import { progress, type BenchContext } from '../bench-context.js';
import type { LogKind } from '../bench-options.js';
import { createCustomers, prefillEvents, publishEvents, writeMetersFile } from '../bench-fixtures.js';
import type { NodeProcess } from '../node-process.js';
import { startTally, type TallyRole } from '../tally-process.js';
import { runEndToEndPhase } from './end-to-end-phase.js';
import { runMemoryPhase } from './memory-phase.js';
import { runQueriesPhase } from './queries-phase.js';
import { runWorkerPhase } from './worker-phase.js';

/** The processes of one deployment: ingest, worker and api apart, as in production. */
export interface Deployment {
  log: LogKind;
  env: Record<string, string>;
  prefix: string;
  urls: Record<'ingest' | 'worker' | 'api', string>;
  processes: Partial<Record<TallyRole, NodeProcess>>;
  start(role: 'ingest' | 'worker' | 'api'): Promise<NodeProcess>;
  customers: number;
  historyCustomers: number;
  /** Events pre-filled: `recent` now, `history` over the last 30 days. */
  prefilled: { recent: number; history: number };
}

// Partitions of the pipeline's topic: the Debian mock keeps ~12k messages per partition.
const pipelinePartitions = 16;

/**
 * Phases 3–6 over one log, sharing one deployment: customers and meters
 * through the API, a pre-filled log, then the worker drains it (3), Redis
 * memory is measured (6), queries read the result (5) and, with every
 * process running, end-to-end latency is taken under load (4).
 */
export async function runPipelinePhases(context: BenchContext, log: LogKind): Promise<void> {
  const { options } = context;
  const wants = (name: (typeof options.phases)[number]) => options.phases.includes(name);
  if (!(['worker', 'memory', 'queries', 'end-to-end'] as const).some(wants)) return;
  const base = await context.tallyEnv(log, 'pipeline', pipelinePartitions);
  const env: Record<string, string> = { ...base, TALLY_METERS_FILE: writeMetersFile(`bench/output/meters-${log}.json`) };
  const ports = { ingest: await freePort(), worker: await freePort(), api: await freePort() };
  const deployment: Deployment = {
    log,
    env,
    prefix: env.TALLY_REDIS_PREFIX!,
    urls: { ingest: `http://127.0.0.1:${ports.ingest}`, worker: `http://127.0.0.1:${ports.worker}`, api: `http://127.0.0.1:${ports.api}` },
    processes: {},
    async start(role) {
      const started = await startTally({ role, env, port: ports[role], extraNodeArgs: context.nodeArgs(`${role}-${log}`) });
      this.processes[role] = started;
      return started;
    },
    customers: options.quick ? 2_000 : 10_000,
    historyCustomers: options.quick ? 2 : 10,
    prefilled: { recent: 0, history: 0 },
  };
  try {
    await deployment.start('api');
    progress(`pipeline (${log}): ${deployment.customers} customers`);
    await createCustomers(deployment.urls.api, context.adminToken, deployment.customers);
    await deployment.start('ingest');
    const events = prefillEvents({
      customers: deployment.customers,
      recent: options.quick ? 20_000 : 100_000,
      historyCustomers: deployment.historyCustomers,
      tag: `prefill-${log}-${Date.now()}`,
    });
    progress(`pipeline (${log}): pre-filling the log with ${events.length} events`);
    await publishEvents(deployment.urls.ingest, context.adminToken, events);
    deployment.prefilled = { recent: options.quick ? 20_000 : 100_000, history: events.length - (options.quick ? 20_000 : 100_000) };
    await runWorkerPhase(context, deployment, events.length);
    if (wants('memory')) await runMemoryPhase(context, deployment);
    if (wants('queries')) await runQueriesPhase(context, deployment);
    if (wants('end-to-end')) await runEndToEndPhase(context, deployment);
    const worker = deployment.processes.worker;
    if (worker) context.record({ phase: 'memory', log, name: 'worker peak RSS', value: worker.peakRssBytes() / 2 ** 20, unit: 'MiB' });
  } finally {
    for (const running of Object.values(deployment.processes)) await running.stop();
  }
}
