import { eventually } from '../../tests/support/eventually.js';
import { progress, type BenchContext } from '../bench-context.js';
import { workerHandled } from '../worker-progress.js';
import type { Deployment } from './pipeline.js';

/**
 * Phase 3: a worker started on a pre-filled log; events/s from its first
 * handled event to its last (process start and group join excluded), read
 * from its own counters. Target ≥ 50,000 events/s.
 */
export async function runWorkerPhase(context: BenchContext, deployment: Deployment, expected: number): Promise<void> {
  progress(`worker (${deployment.log}): draining ${expected} events`);
  await deployment.start('worker');
  const url = deployment.urls.worker;
  const first = await eventually(
    async () => {
      const handled = await workerHandled(url);
      if (handled === 0) throw new Error('worker has not started yet');
      return { handled, at: performance.now() };
    },
    { timeoutMs: 60_000, intervalMs: 5 },
  );
  const last = await eventually(
    async () => {
      const handled = await workerHandled(url);
      if (handled < expected) throw new Error(`worker handled ${handled} of ${expected}`);
      return { handled, at: performance.now() };
    },
    { timeoutMs: 300_000, intervalMs: 20 },
  );
  const rate = (last.handled - first.handled) / ((last.at - first.at) / 1000);
  context.record({ phase: 'worker', log: deployment.log, name: 'materialized', value: rate, unit: 'events/s', target: { value: 50_000, kind: 'min' }, note: `${expected} events, 3 meters` });
}
