import type { Histogram } from 'prom-client';
import type { LogRecord } from '../../core/events/cloud-event.js';
import { TallyError } from '../../core/http/tally-error.js';
import type { EventLog } from '../../core/log/event-log.js';

/**
 * Publishes and bounds the wait. The adapters bound their own publish too;
 * this guard makes "503 within the publish bound, never a hang" hold for any
 * EventLog. Any publish failure is a log failure: retriable, 503.
 */
export async function publishWithin(
  log: EventLog,
  records: readonly LogRecord[],
  { timeoutMs, duration }: { timeoutMs: number; duration: Histogram<'outcome'> },
): Promise<void> {
  const end = duration.startTimer();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TallyError('UNAVAILABLE', `the event log did not acknowledge within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([log.publish(records), timeout]);
    end({ outcome: 'ok' });
  } catch (error) {
    end({ outcome: 'failed' });
    if (error instanceof TallyError && error.code === 'UNAVAILABLE') throw error;
    throw new TallyError('UNAVAILABLE', 'the event log is unavailable', { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
