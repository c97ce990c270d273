import { freePort } from '../../tests/support/free-port.js';
import { progress, type BenchContext } from '../bench-context.js';
import type { LogKind } from '../bench-options.js';
import { createBodyPool } from '../event-bodies.js';
import { runLoad, type LoadResult } from '../load.js';
import { startTally } from '../tally-process.js';
import { loadShapes } from './load-shapes.js';

/**
 * Phase 2: single events and batches of 100 through a Tally ingest process
 * (auth, decode, validation, publish, ack) on one log. Targets: batches ≥
 * 100,000 events/s through Kafka; single events ≥ 50% of the bare-Koa req/s.
 */
export async function runIngestPhase(context: BenchContext, log: LogKind): Promise<void> {
  const port = await freePort();
  const env = { ...(await context.tallyEnv(log, 'ingest')), TALLY_STREAM_MAXLEN: '200000' };
  const tally = await startTally({ role: 'ingest', env, port, extraNodeArgs: context.nodeArgs(`ingest-${log}`) });
  try {
    const bodies = createBodyPool({ customers: 10_000, batchSize: 100, poolSize: 200, tag: `ingest-${log}-${Date.now()}` });
    const url = `http://127.0.0.1:${port}/api/v1/events`;
    const common = { url, token: context.adminToken, durationSec: context.options.durationSec };
    progress(`ingest (${log}): single events`);
    const single = await runLoad({ ...loadShapes.single, ...common, bodies: bodies.single });
    progress(`ingest (${log}): batches of 100`);
    const batch = await runLoad({ ...loadShapes.batch, ...common, bodies: bodies.batch });
    const { singleRequestsPerSec, batchEventsPerSec } = context.ceiling;
    context.record({
      phase: 'ingest',
      log,
      name: 'single event',
      value: single.requestsPerSec,
      unit: 'req/s',
      ofCeiling: singleRequestsPerSec ? single.requestsPerSec / singleRequestsPerSec : undefined,
      target: singleRequestsPerSec ? { value: singleRequestsPerSec / 2, kind: 'min' } : undefined,
      note: failuresNote(single),
    });
    recordLatency(context, log, 'single event', single);
    context.record({
      phase: 'ingest',
      log,
      name: 'batch of 100',
      value: batch.eventsPerSec,
      unit: 'events/s',
      ofCeiling: batchEventsPerSec ? batch.eventsPerSec / batchEventsPerSec : undefined,
      target: log === 'kafka' ? { value: 100_000, kind: 'min' } : undefined,
      note: failuresNote(batch),
    });
    recordLatency(context, log, 'batch of 100', batch);
    context.record({ phase: 'memory', log, name: 'ingest peak RSS', value: tally.peakRssBytes() / 2 ** 20, unit: 'MiB' });
  } finally {
    await tally.stop();
  }
}

function recordLatency(context: BenchContext, log: LogKind, name: string, result: LoadResult): void {
  context.record({ phase: 'ingest', log, name: `${name} p50`, value: result.p50Ms, unit: 'ms' });
  context.record({ phase: 'ingest', log, name: `${name} p99`, value: result.p99Ms, unit: 'ms' });
}

function failuresNote(result: LoadResult): string | undefined {
  return result.failures > 0 ? `${result.failures} failed requests` : undefined;
}
