import type { KafkaMock } from '../tests/support/kafka-mock.js';
import type { TestRedis } from '../tests/support/redis-server.js';
import type { BenchOptions, LogKind } from './bench-options.js';
import type { Figure } from './figures.js';

/** What every phase gets: the options, the shared Redis and Kafka mock, and where figures go. */
export interface BenchContext {
  options: BenchOptions;
  redis: TestRedis;
  kafka: KafkaMock;
  adminToken: string;
  /** Ceiling figures of this run, once the ceiling phase ran. */
  ceiling: { singleRequestsPerSec?: number; batchEventsPerSec?: number; singleCpuMicros?: number; batchCpuMicros?: number };
  record(figure: Figure): void;
  /** Environment of Tally processes on `log`, with a key prefix, topic (of `partitions`) and group of their own. */
  tallyEnv(log: LogKind, label: string, partitions?: number): Promise<Record<string, string>>;
  /** Node flags for a Tally process (e.g. `--cpu-prof`). */
  nodeArgs(label: string): string[];
}

/** Gentle progress on stderr, so stdout stays the table. */
export function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}
