import { TallyError } from '../http/tally-error.js';

/** The retriable error every publish failure becomes: the request gets 503 + Retry-After. */
export function logUnavailable(cause?: unknown): TallyError {
  return new TallyError('UNAVAILABLE', 'the event log is unavailable, retry later', {
    retriable: true,
    retryAfterSeconds: 1,
    cause,
  });
}

/**
 * Settles like `work`, but rejects with UNAVAILABLE once `timeoutMs` passed
 * and turns any failure of `work` into UNAVAILABLE. `work` keeps running
 * after a timeout; the caller must not treat its records as acknowledged.
 */
export function withPublishDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(logUnavailable(new Error(`not acknowledged within ${timeoutMs} ms`))),
      timeoutMs,
    );
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof TallyError ? error : logUnavailable(error));
      },
    );
  });
}
