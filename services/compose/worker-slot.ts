import { tallyWorker } from '../worker/tally-worker.js';
import type { SubjectsClaimedHook } from '../../core/customers/subject-resolver.js';
import type { Runtime, RuntimeClients } from './create-runtime.js';

/** A started worker: `stop()` finishes the in-flight batch, commits it and leaves the group. */
export interface RunningWorker {
  stop(): Promise<void>;
}

/** What the worker (services/worker/) gives the CLI. */
export interface WorkerSlot {
  /** Parked-event replay: the customer store's hook in every process that writes customers. */
  createSubjectsClaimedHook(clients: RuntimeClients): SubjectsClaimedHook;
  /** Joins the consumer group on the runtime's log and materializes meters. */
  startWorker(runtime: Runtime): Promise<RunningWorker>;
}

/**
 * The worker of this build; were it undefined, `tally worker` would exit 2
 * and `tally all` would run ingest and api only.
 */
export const workerSlot: WorkerSlot | undefined = tallyWorker;
