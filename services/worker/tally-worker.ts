import { hostname } from 'node:os';
import type { WorkerSlot } from '../compose/worker-slot.js';
import { createParkedReplayHook } from './parked-replay-hook.js';
import { startWorker } from './start-worker.js';

/**
 * The worker as the CLI plugs it in: parked-event replay as the customer
 * store's hook of every process, and the consumer-group member for
 * `tally worker` / `tally all`. The member name (host and pid) is unique per
 * process; entries a dead member left pending are claimed by the others.
 */
export const tallyWorker: WorkerSlot = {
  createSubjectsClaimedHook: ({ redis, config, meters }) => createParkedReplayHook({ redis, config, meters }),
  startWorker: (runtime) =>
    startWorker({
      config: runtime.config,
      redis: runtime.redis,
      logger: runtime.logger,
      registry: runtime.registry,
      meters: runtime.meters,
      consumerName: `${hostname()}-${process.pid}`,
    }),
};
