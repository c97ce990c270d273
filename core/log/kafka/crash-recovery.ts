import type { Logger } from 'pino';

export interface CrashRecoveryOptions {
  /** Connects and runs the consumer again. */
  restart(): Promise<void>;
  logger: Logger;
  minDelayMs?: number;
  maxDelayMs?: number;
}

export interface CrashRecovery {
  /** kafkajs gave up on the consumer: a crash it does not restart from by itself. */
  crashed(error: Error): void;
  /** The consumer is in its group again: the next crash waits the shortest delay. */
  joined(): void;
  /** No restart from here on; resolves once a restart in progress settled. */
  stop(): Promise<void>;
}

/**
 * kafkajs restarts a crashed consumer only when it deems the error
 * retriable; after any other crash (an authorization error, a protocol error
 * it does not expect) it stays disconnected while the process runs on, and
 * the lag grows unnoticed. So the consumer is restarted here too, with a
 * growing delay (1 s to 30 s) until it joins its group again: a worker that
 * cannot consume keeps trying and says so in its log, and heals by itself
 * once the cause is fixed.
 */
export function createCrashRecovery(options: CrashRecoveryOptions): CrashRecovery {
  const { logger, minDelayMs = 1_000, maxDelayMs = 30_000 } = options;
  let delayMs = minDelayMs;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> = Promise.resolve();

  const schedule = () => {
    if (stopped || timer) return;
    const wait = delayMs;
    delayMs = Math.min(maxDelayMs, delayMs * 2);
    timer = setTimeout(() => {
      timer = undefined;
      if (stopped) return;
      restarting = options.restart().catch((error: unknown) => {
        logger.error({ err: error, retryInMs: delayMs }, 'Kafka consumer restart failed, will retry');
        schedule();
      });
    }, wait);
  };

  return {
    crashed(error) {
      if (stopped) return;
      logger.error({ err: error, restartInMs: delayMs }, 'Kafka consumer crashed and kafkajs will not restart it: restarting it');
      schedule();
    },
    joined() {
      delayMs = minDelayMs;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await restarting;
    },
  };
}
