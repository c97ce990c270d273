import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { startKafkaMock } from '../tests/support/kafka-mock.js';
import { startRedis } from '../tests/support/redis-server.js';
import type { BenchContext } from './bench-context.js';
import { parseBenchOptions, type BenchOptions, type LogKind, type PhaseName } from './bench-options.js';
import type { Figure } from './figures.js';
import { runCeilingPhase } from './phases/ceiling-phase.js';
import { runIngestPhase } from './phases/ingest-phase.js';
import { runPipelinePhases } from './phases/pipeline.js';
import { renderTable } from './report-table.js';

/**
 * `make bench`: starts its own redis-server and Kafka mock cluster, runs
 * every phase against Tally processes started from the built CLI, prints
 * a Markdown table on stdout and writes the figures as JSON.
 */
type LogPhase = (context: BenchContext, log: LogKind) => Promise<void>;
const logPhases: Array<[PhaseName[], LogPhase]> = [
  [['ingest'], runIngestPhase],
  [['worker', 'memory', 'queries', 'end-to-end'], runPipelinePhases],
];

const partitions = 8;

async function main(options: BenchOptions): Promise<void> {
  const redis = await startRedis();
  const kafka = await startKafkaMock();
  const figures: Figure[] = [];
  const failures: string[] = [];
  // Other work on the machine moves every absolute figure: the results say how busy it was.
  const loadAtStart = loadavg()[0] ?? 0;
  const runId = Date.now().toString(36);
  const adminToken = `tly_bench-admin-${runId}`;
  mkdirSync(options.profileDir, { recursive: true });
  const context: BenchContext = {
    options,
    redis,
    kafka,
    adminToken,
    ceiling: {},
    record: (figure) => figures.push(figure),
    async tallyEnv(log, label, topicPartitions = partitions) {
      const env: Record<string, string> = {
        REDIS_URL: redis.url,
        TALLY_REDIS_PREFIX: `bench-${runId}-${log}-${label}:`,
        TALLY_ADMIN_TOKEN: adminToken,
        ...options.tallyEnv,
      };
      if (log === 'kafka') {
        const topic = `bench-${runId}-${label}`;
        // Auto-created topics get one partition: spread subjects as a production topic would.
        await kafka.createTopic(topic, topicPartitions);
        Object.assign(env, { KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_TOPIC: topic, KAFKA_GROUP_ID: topic });
      }
      return env;
    },
    nodeArgs: (label) => (options.profile ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-name=${label}-${runId}.cpuprofile`] : []),
  };
  try {
    for (const log of options.logs) {
      // Measured again before each log's ingest runs: on a shared machine the ceiling drifts with the load.
      if (options.phases.includes('ceiling')) await runCeilingPhase(context, log);
      for (const [names, phase] of logPhases) {
        if (!names.some((name) => options.phases.includes(name))) continue;
        // A failing phase is reported and the run goes on: the other figures are still worth having.
        await phase(context, log).catch((error: unknown) => {
          const message = `${names.join('/')} (${log}) failed: ${error instanceof Error ? error.message : String(error)}`;
          process.stderr.write(`bench: ${message}\n`);
          failures.push(message);
        });
      }
    }
  } finally {
    await kafka.stop();
    await redis.stop();
  }
  const table = renderTable(figures);
  process.stdout.write(`${table}\n${failures.map((failure) => `\nFAILED: ${failure}`).join('')}\n`);
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadAverage1m: { start: loadAtStart, end: loadavg()[0] ?? 0 },
  };
  process.stdout.write(`\n1-minute load average: ${machine.loadAverage1m.start.toFixed(2)} at start, ${machine.loadAverage1m.end.toFixed(2)} at end (${machine.cpus} cores)\n`);
  const results = { date: new Date().toISOString(), quick: options.quick, durationSec: options.durationSec, machine, partitions, figures, failures, table };
  writeFileSync(options.resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  process.stderr.write(`bench: wrote ${options.resultsFile}\n`);
}

await main(parseBenchOptions(process.argv.slice(2)));
