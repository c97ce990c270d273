import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface WorkerMetrics {
  batchDuration: Histogram;
  materialized: Counter;
  duplicates: Counter;
  parked: Counter;
  parkedDropped: Counter;
  replayed: Counter;
  failedBatches: Counter;
}

/** Registers the worker's metrics; `lag` is read when Prometheus scrapes. */
export function createWorkerMetrics({ registry, lag }: { registry: Registry; lag?: () => Promise<number> }): WorkerMetrics {
  const registers = [registry];
  if (lag) {
    new Gauge({
      name: 'tally_worker_consumer_lag',
      help: 'Log records published but not yet committed by the worker group',
      registers,
      async collect() {
        this.set(await lag().catch(() => Number.NaN));
      },
    });
  }
  return {
    batchDuration: new Histogram({
      name: 'tally_worker_batch_duration_seconds',
      help: 'Time to process one consumed batch, commit excluded',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    materialized: new Counter({ name: 'tally_worker_events_materialized_total', help: 'Events applied to customer meters from consumed batches (replays are counted apart)', registers }),
    duplicates: new Counter({ name: 'tally_worker_duplicates_skipped_total', help: 'Events skipped as duplicates of an applied one', registers }),
    parked: new Counter({ name: 'tally_worker_events_parked_total', help: 'Events parked because no customer claims their subject', registers }),
    parkedDropped: new Counter({ name: 'tally_worker_parked_dropped_total', help: 'Parked events dropped by the per-subject cap or the retention', registers }),
    replayed: new Counter({ name: 'tally_worker_events_replayed_total', help: 'Parked events applied after a customer claimed their subject', registers }),
    failedBatches: new Counter({ name: 'tally_worker_failed_batches_total', help: 'Batches that failed and will be delivered again', registers }),
  };
}
