import { freePort } from '../../tests/support/free-port.js';
import { progress, type BenchContext } from '../bench-context.js';
import type { LogKind } from '../bench-options.js';
import { createBodyPool } from '../event-bodies.js';
import { runLoadOn, type LoadResult, type MeasuredLoad } from '../load.js';
import { startTally } from '../tally-process.js';
import { loadShapes } from './load-shapes.js';

/**
 * Phase 2: single events and batches of 100 through a Tally ingest process
 * (auth, decode, validation, publish, ack) on one log. Targets: batches ≥
 * 100,000 events/s through Kafka; single events ≥ 50% of the bare-Koa req/s.
 */
export async function runIngestPhase(context: BenchContext, log: LogKind): Promise<void> {
  const bodies = createBodyPool({ customers: 10_000, batchSize: 100, poolSize: 200, tag: `ingest-${log}-${Date.now()}` });
  const { singleRequestsPerSec, batchEventsPerSec, singleCpuMicros, batchCpuMicros } = context.ceiling;
  progress(`ingest (${log}): single events`);
  const single = await loadTally(context, log, 'single', bodies.single);
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
  recordCpu(context, log, 'single event', single, singleCpuMicros);
  progress(`ingest (${log}): batches of 100`);
  const batch = await loadTally(context, log, 'batch', bodies.batch);
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
  recordCpu(context, log, 'batch of 100', batch, batchCpuMicros);
  const peak = Math.max(single.peakRssBytes, batch.peakRssBytes);
  context.record({ phase: 'memory', log, name: 'ingest peak RSS', value: peak / 2 ** 20, unit: 'MiB' });
}

/** One fresh ingest process per shape, so each gets a profile and a peak RSS of its own. */
async function loadTally(context: BenchContext, log: LogKind, shape: keyof typeof loadShapes, bodies: string[]): Promise<MeasuredLoad> {
  const port = await freePort();
  const env = { ...(await context.tallyEnv(log, `ingest-${shape}`)), TALLY_STREAM_MAXLEN: '200000' };
  const tally = await startTally({ role: 'ingest', env, port, extraNodeArgs: context.nodeArgs(`ingest-${log}-${shape}`) });
  try {
    const url = `http://127.0.0.1:${port}/api/v1/events`;
    return await runLoadOn(tally, { ...loadShapes[shape], url, bodies, token: context.adminToken, durationSec: context.options.durationSec });
  } finally {
    await tally.stop();
  }
}

function recordLatency(context: BenchContext, log: LogKind, name: string, result: LoadResult): void {
  context.record({ phase: 'ingest', log, name: `${name} p50`, value: result.p50Ms, unit: 'ms' });
  context.record({ phase: 'ingest', log, name: `${name} p99`, value: result.p99Ms, unit: 'ms' });
}

/** CPU per event is steady on a busy machine where req/s is not; "of ceiling" is the ceiling's cost over Tally's. */
function recordCpu(context: BenchContext, log: LogKind, name: string, result: MeasuredLoad, ceilingMicros: number | undefined): void {
  const ofCeiling = ceilingMicros ? ceilingMicros / result.cpuMicrosPerEvent : undefined;
  context.record({ phase: 'ingest', log, name: `${name} CPU`, value: result.cpuMicrosPerEvent, unit: 'µs/event', ofCeiling });
}

function failuresNote(result: LoadResult): string | undefined {
  return result.failures > 0 ? `${result.failures} failed requests` : undefined;
}
