import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { startKafkaMock, type KafkaMock } from '../tests/support/kafka-mock.js';
import { startRedis } from '../tests/support/redis-server.js';
import { freePort } from '../tests/support/free-port.js';
import type { LogKind } from './bench-options.js';
import { createBodyPool } from './event-bodies.js';
import autocannon from 'autocannon';
import { spawnNode } from './node-process.js';
import { loadShapes } from './phases/load-shapes.js';

/**
 * Alternating A/B runs of single-event ingest for two (or more) builds of
 * Tally: `node --import tsx bench/ingest-ab.ts <log> <seconds> <rounds>
 * <req/s or 0> <cli.js> <cli.js> ...`. Each round starts a fresh ingest
 * process of every build in turn and sends it the bench's single-event
 * requests (64 connections), at a fixed rate when one is given (then every
 * build coalesces alike, so their CPU per request compares like with like)
 * or as fast as it answers. Per build it prints the server's CPU µs per
 * request (steady on a busy box, unlike req/s) of every round and their median.
 */
const [logArg = 'stream', secondsArg = '5', roundsArg = '3', rateArg = '0', ...clis] = process.argv.slice(2);
const log = logArg as LogKind;
if (clis.length === 0) throw new Error('usage: bench/ingest-ab.ts <kafka|stream> <seconds> <rounds> <cli.js>...');

const redis = await startRedis();
const kafka: KafkaMock | undefined = log === 'kafka' ? await startKafkaMock() : undefined;
const runId = Date.now().toString(36);
const token = `tly_ingest-ab-admin-${runId}`;
const bodies = createBodyPool({ customers: 10_000, batchSize: 1, poolSize: 200, tag: `ab-${runId}` }).single;
const cpu = new Map<string, number[]>(clis.map((cli) => [cli, []]));
const rate = new Map<string, number[]>(clis.map((cli) => [cli, []]));

async function runOnce(cli: string, label: string): Promise<void> {
  const port = await freePort();
  const env: Record<string, string> = {
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    REDIS_URL: redis.url,
    TALLY_REDIS_PREFIX: `ab-${runId}-${label}:`,
    TALLY_ADMIN_TOKEN: token,
    TALLY_STREAM_MAXLEN: '200000',
  };
  if (kafka) {
    const topic = `ab-${runId}-${label}`;
    await kafka.createTopic(topic, 8);
    Object.assign(env, { KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_TOPIC: topic, KAFKA_GROUP_ID: topic });
  }
  const tally = await spawnNode({ name: label, args: [resolve(cli), 'ingest'], env, readyUrl: `http://127.0.0.1:${port}/healthz` });
  try {
    const url = `http://127.0.0.1:${port}/api/v1/events`;
    let next = 0;
    const load = (duration: number) =>
      autocannon({
        url,
        connections: loadShapes.single.connections,
        duration,
        method: 'POST',
        headers: { 'content-type': loadShapes.single.contentType, authorization: `Bearer ${token}` },
        ...(Number(rateArg) > 0 ? { overallRate: Number(rateArg) } : {}),
        requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) }],
      });
    // A short warm-up, so that every build is measured with its code optimized.
    await load(1);
    const cpuBefore = tally.cpuSeconds();
    const result = await load(Number(secondsArg));
    const micros = ((tally.cpuSeconds() - cpuBefore) * 1e6) / result['2xx'];
    const perSec = result['2xx'] / result.duration;
    if (result.non2xx + result.errors > 0) process.stderr.write(`${label}: ${result.non2xx + result.errors} failed requests\n`);
    cpu.get(cli)!.push(micros);
    rate.get(cli)!.push(perSec);
    process.stderr.write(`${label}: ${micros.toFixed(1)} µs/req, ${Math.round(perSec)} req/s (load ${loadavg()[0]?.toFixed(1)})\n`);
  } finally {
    await tally.stop();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
try {
  for (let round = 0; round < Number(roundsArg); round++) {
    for (const [index, cli] of clis.entries()) await runOnce(cli, `${log}-r${round}-v${index}`);
  }
} finally {
  await kafka?.stop();
  await redis.stop();
}
for (const cli of clis) {
  const micros = cpu.get(cli)!;
  const rates = rate.get(cli)!;
  process.stdout.write(
    `${cli}\n  µs/req ${micros.map((v) => v.toFixed(1)).join(' ')} (median ${median(micros).toFixed(1)})\n  req/s ${rates.map((v) => Math.round(v)).join(' ')} (median ${Math.round(median(rates))})\n`,
  );
}
