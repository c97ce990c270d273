import type { Logger } from 'pino';
import type { SubjectResolver } from '../../core/customers/subject-resolver.js';
import type { FeedStore } from '../../core/feed/feed-record.js';
import type { BatchHandler } from '../../core/log/event-log.js';
import type { EvaluateEvent } from '../../core/meters/evaluate-event.js';
import type { MeterRegistry } from '../../core/meters/meter-registry.js';
import type { MeterWriter } from '../../core/meters/meter-writer.js';
import type { ParkedEvents } from '../../core/parked/parked-events.js';
import type { BatchItem, BatchStep } from './batch-item.js';
import { createEvaluateStep } from './evaluate-step.js';
import { createFeedStep } from './feed-step.js';
import { createMaterializeStep } from './materialize-step.js';
import { createParkStep, createRecheckParkedStep, droppedItem } from './park-step.js';
import type { ParkedReplayer } from './parked-replayer.js';
import { createResolveSubjectsStep } from './resolve-subjects-step.js';
import type { WorkerMetrics } from './worker-metrics.js';

export interface WorkerDeps {
  resolver: SubjectResolver;
  resolveFresh: (subject: string) => Promise<string | undefined>;
  meters: MeterRegistry;
  evaluate: EvaluateEvent;
  writer: MeterWriter;
  parked: ParkedEvents;
  feed: FeedStore;
  replay: ParkedReplayer;
  metrics: WorkerMetrics;
  logger: Logger;
  parkedMaxPerSubject: number;
  parkedRetentionMs: number;
  now?: () => Date;
}

export interface Worker {
  /** The consumer's batch handler: resolves once the batch is in Redis, rejects so that it is delivered again. */
  handle: BatchHandler;
  /** Drops subjects parked longer than the retention (shown in the feed, counted). */
  expireParked(): Promise<number>;
}

/** The worker's steps over a batch: resolve, evaluate, materialize, park, feed, recheck the parked. */
export function createWorker(deps: WorkerDeps): Worker {
  const { metrics, logger, now = () => new Date() } = deps;
  const steps: BatchStep[] = [
    createResolveSubjectsStep(deps),
    createEvaluateStep(deps),
    createMaterializeStep(deps),
    createParkStep({ parked: deps.parked, maxPerSubject: deps.parkedMaxPerSubject }),
    createFeedStep({ feed: deps.feed, now }),
    createRecheckParkedStep(deps),
  ];
  const feedStep = createFeedStep({ feed: deps.feed, now });

  const count = (items: BatchItem[]) => {
    const by = { applied: 0, duplicate: 0, parked: 0, dropped: 0 };
    for (const item of items) if (item.outcome) by[item.outcome]++;
    metrics.materialized.inc(by.applied);
    metrics.duplicates.inc(by.duplicate);
    metrics.parked.inc(by.parked);
    metrics.parkedDropped.inc(by.dropped);
  };

  return {
    async handle(batch) {
      const end = metrics.batchDuration.startTimer();
      const items: BatchItem[] = batch.map(({ record }) => ({ record, evaluation: { contributions: [], errors: [] } }));
      try {
        for (const step of steps) await step(items);
        count(items);
      } catch (error) {
        metrics.failedBatches.inc();
        logger.warn({ err: error, records: batch.length, first: batch[0]?.position }, 'worker batch failed, it will be delivered again');
        throw error;
      } finally {
        end();
      }
    },

    async expireParked() {
      const dropped = await deps.parked.expire(now().getTime() - deps.parkedRetentionMs);
      if (dropped.length === 0) return 0;
      await feedStep(dropped.map((record) => droppedItem(record, undefined)));
      metrics.parkedDropped.inc(dropped.length);
      logger.warn({ dropped: dropped.length }, 'parked events dropped: no customer claimed their subjects within the retention');
      return dropped.length;
    },
  };
}
