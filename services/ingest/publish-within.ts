import type { LogRecord } from '../../core/events/cloud-event.js';
import type { LocalHistogram } from '../../core/http/local-metrics.js';
import { TallyError } from '../../core/http/tally-error.js';
import type { EventLog } from '../../core/log/event-log.js';

/**
 * Publishes and bounds the wait. The adapters bound their own publish too;
 * this guard makes "503 within the publish bound, never a hang" hold for any
 * EventLog. Any publish failure is a log failure: retriable, 503.
 */
export function publishWithin(
  log: EventLog,
  records: readonly LogRecord[],
  { timeoutMs, duration }: { timeoutMs: number; duration: LocalHistogram<'outcome'> },
): Promise<void> {
  const started = performance.now();
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new TallyError('UNAVAILABLE', `the event log did not acknowledge within ${timeoutMs} ms`)), timeoutMs);
    let settled = false;
    function fail(error: unknown) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      duration.observe({ outcome: 'failed' }, (performance.now() - started) / 1000);
      reject(error instanceof TallyError && error.code === 'UNAVAILABLE' ? error : new TallyError('UNAVAILABLE', 'the event log is unavailable', { cause: error }));
    }
    const succeed = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      duration.observe({ outcome: 'ok' }, (performance.now() - started) / 1000);
      resolve();
    };
    try {
      log.publish(records).then(succeed, fail);
    } catch (error) {
      fail(error);
    }
  });
}
