import { fileURLToPath } from 'node:url';
import { freePort } from '../../tests/support/free-port.js';
import { progress, type BenchContext } from '../bench-context.js';
import type { LogKind } from '../bench-options.js';
import { createBodyPool } from '../event-bodies.js';
import { runLoadOn } from '../load.js';
import { spawnNode } from '../node-process.js';
import { loadShapes } from './load-shapes.js';

const server = fileURLToPath(new URL('../../dist/bench/ceiling-server.js', import.meta.url));

/** Phase 1: a bare Koa server that only parses the bodies: the most this machine serves. */
export async function runCeilingPhase(context: BenchContext, before: LogKind): Promise<void> {
  const port = await freePort();
  const ceiling = await spawnNode({ name: 'ceiling', args: [server, String(port)], env: {}, readyUrl: `http://127.0.0.1:${port}/` });
  try {
    const bodies = createBodyPool({ customers: 10_000, batchSize: 100, poolSize: 200, tag: 'ceiling' });
    const url = `http://127.0.0.1:${port}/`;
    progress(`ceiling (before ${before}): single events`);
    const single = await runLoadOn(ceiling, { ...loadShapes.single, url, bodies: bodies.single, durationSec: context.options.durationSec });
    progress(`ceiling (before ${before}): batches of 100`);
    const batch = await runLoadOn(ceiling, { ...loadShapes.batch, url, bodies: bodies.batch, durationSec: context.options.durationSec });
    context.ceiling = {
      singleRequestsPerSec: single.requestsPerSec,
      batchEventsPerSec: batch.eventsPerSec,
      singleCpuMicros: single.cpuMicrosPerEvent,
      batchCpuMicros: batch.cpuMicrosPerEvent,
    };
    context.record({ phase: 'ceiling', log: before, name: 'single event', value: single.requestsPerSec, unit: 'req/s' });
    context.record({ phase: 'ceiling', log: before, name: 'single event CPU', value: single.cpuMicrosPerEvent, unit: 'µs/event' });
    context.record({ phase: 'ceiling', log: before, name: 'batch of 100', value: batch.eventsPerSec, unit: 'events/s' });
    context.record({ phase: 'ceiling', log: before, name: 'batch of 100', value: batch.requestsPerSec, unit: 'req/s' });
    context.record({ phase: 'ceiling', log: before, name: 'batch of 100 CPU', value: batch.cpuMicrosPerEvent, unit: 'µs/event' });
  } finally {
    await ceiling.stop();
  }
}
