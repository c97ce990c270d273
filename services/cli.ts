#!/usr/bin/env node
import { ConfigError, loadConfig, type Config } from '../core/config/config.js';
import { MetersFileError } from '../core/meters/meters-file.js';
import { createLogger } from './compose/create-logger.js';
import { roles, startTally, WorkerMissingError, type Role } from './compose/start-tally.js';
import { workerSlot } from './compose/worker-slot.js';

/**
 * `tally ingest | api | worker | all`. Exit codes: 0 after a graceful
 * shutdown (SIGTERM/SIGINT), 2 for a usage or configuration problem (every
 * problem printed), 1 when the start failed otherwise (e.g. Redis down).
 */
const usage = `usage: tally <${roles.join('|')}>
  ingest  event ingest (POST /api/v1/events, /v3/openmeter/events, /api/v3/openmeter/events)
  api     tokens, meters, customers, queries, events feed
  worker  consumes the log and materializes meters
  all     everything in one process (what \`make run\` starts)
Configuration comes from the environment; see README.md.`;

function fail(code: number, lines: string[]): never {
  for (const line of lines) process.stderr.write(`${line}\n`);
  process.exit(code);
}

async function main(args: string[]): Promise<void> {
  const role = args[0];
  if (args.length !== 1 || !(roles as readonly string[]).includes(role ?? '')) {
    fail(args[0] === '--help' || args[0] === '-h' ? 0 : 2, [usage]);
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(2, ['tally: invalid configuration:', ...error.problems.map((p) => `  ${p}`)]);
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });

  let running: Awaited<ReturnType<typeof startTally>>;
  try {
    running = await startTally({ role: role as Role, config, logger, worker: workerSlot });
  } catch (error) {
    if (error instanceof WorkerMissingError) fail(2, [`tally: ${error.message}`]);
    if (error instanceof MetersFileError) fail(2, [`tally: invalid ${error.message}`]);
    logger.fatal({ err: error }, 'tally failed to start');
    fail(1, [`tally: failed to start: ${error instanceof Error ? error.message : String(error)}`]);
  }

  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      logger.warn({ signal }, 'second signal: exiting without finishing the shutdown');
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down');
    // Bounded even if a client never answers: requests are cut at the grace period, the rest gets a few seconds.
    const limit = config.limits.bodyTimeoutMs + config.limits.publishTimeoutMs + 10_000;
    setTimeout(() => {
      logger.error('shutdown did not finish in time');
      process.exit(1);
    }, limit).unref();
    running.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

await main(process.argv.slice(2));
