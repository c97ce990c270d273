import { freePort } from '../../tests/support/free-port.js';
import { progress, type BenchContext } from '../bench-context.js';
import type { LogKind } from '../bench-options.js';
import { createBodyPool } from '../event-bodies.js';
import { runLoadOn, type LoadResult, type MeasuredLoad } from '../load.js';
import { startTally } from '../tally-process.js';
import { loadShapes } from './load-shapes.js';

/**
 * Phase 2: single events and batches of 100 through a Tally ingest process
 * (auth, decode, validation, publish, ack) on one log; on Kafka the batches
 * once more with batch records (`KAFKA_RECORD_FORMAT=batch`). Targets:
 * batches ≥ 100,000 events/s through Kafka (in either record format);
 * single events ≥ 50% of the bare-Koa req/s.
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
  const batches = [{ name: 'batch of 100', env: {} }];
  if (log === 'kafka') batches.push({ name: 'batch of 100, batch records', env: { KAFKA_RECORD_FORMAT: 'batch' } });
  let peak = single.peakRssBytes;
  for (const { name, env } of batches) {
    progress(`ingest (${log}): ${name}`);
    const batch = await loadTally(context, log, 'batch', bodies.batch, env);
    context.record({
      phase: 'ingest',
      log,
      name,
      value: batch.eventsPerSec,
      unit: 'events/s',
      ofCeiling: batchEventsPerSec ? batch.eventsPerSec / batchEventsPerSec : undefined,
      target: log === 'kafka' ? { value: 100_000, kind: 'min' } : undefined,
      note: failuresNote(batch),
    });
    recordLatency(context, log, name, batch);
    recordCpu(context, log, name, batch, batchCpuMicros);
    peak = Math.max(peak, batch.peakRssBytes);
  }
  context.record({ phase: 'memory', log, name: 'ingest peak RSS', value: peak / 2 ** 20, unit: 'MiB' });
}

/** One fresh ingest process per run, so each gets a profile and a peak RSS of its own; `extraEnv` e.g. picks the record format. */
async function loadTally(context: BenchContext, log: LogKind, shape: keyof typeof loadShapes, bodies: string[], extraEnv: Record<string, string> = {}): Promise<MeasuredLoad> {
  const port = await freePort();
  const run = `${shape}${extraEnv.KAFKA_RECORD_FORMAT ? `-${extraEnv.KAFKA_RECORD_FORMAT}-records` : ''}`;
  const env = { ...(await context.tallyEnv(log, `ingest-${run}`)), TALLY_STREAM_MAXLEN: '200000', ...extraEnv };
  const tally = await startTally({ role: 'ingest', env, port, extraNodeArgs: context.nodeArgs(`ingest-${log}-${run}`) });
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
