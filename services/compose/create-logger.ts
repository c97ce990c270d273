import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Paths pino censors wherever they appear: tokens must never reach a log
 * line, even when a request, its headers or an error object is logged whole.
 */
export const redactedPaths = [
  'authorization',
  'token',
  'adminToken',
  '*.authorization',
  '*.token',
  '*.adminToken',
  'headers.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
  'config.adminToken',
];

export function createLogger({ level, destination }: { level: string; destination?: DestinationStream }): Logger {
  const options = { level, base: { service: 'tally' }, redact: { paths: redactedPaths, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
