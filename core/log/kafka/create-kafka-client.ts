import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  /** Upper bound of one request; a publish never waits longer than this anyway. */
  requestTimeoutMs: number;
  logger: Logger;
}

const pinoLevel = { [logLevel.ERROR]: 'error', [logLevel.WARN]: 'warn', [logLevel.INFO]: 'info', [logLevel.DEBUG]: 'debug' } as const;

/**
 * The kafkajs client, logging through pino. Retries are short: a publish is
 * bounded by the publish timeout, and a consumer that runs out of retries is
 * restarted by kafkajs.
 */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  const logger = options.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: Math.min(1_000, options.requestTimeoutMs),
    requestTimeout: options.requestTimeoutMs,
    retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 5 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...fields } = log;
        const method = pinoLevel[level as keyof typeof pinoLevel] ?? 'info';
        logger[method](fields, message);
      },
  });
}
