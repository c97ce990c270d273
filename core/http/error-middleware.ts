import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { errorStatus } from './error-status.js';
import { apiVersionOf, problemDetails } from './problem-details.js';
import { TallyError } from './tally-error.js';

const acceptedRequestId = /^[A-Za-z0-9._:-]{1,128}$/;
const defaultRetryAfterSeconds = 2;

/**
 * The one error middleware. Gives every request an id (`X-Request-Id`, also
 * the problem's `instance`), turns every thrown error into problem+json of
 * the path's API version, and writes exactly one log line per failed
 * request. Unknown errors become a 500 with no internals in the response.
 */
export function createErrorMiddleware({ logger }: { logger: Logger }): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = acceptedRequestId.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    let error: TallyError | undefined;
    let unknown: unknown = undefined;
    try {
      await next();
      if (ctx.status === 404 && ctx.body == null) error = new TallyError('NOT_FOUND', `no route for ${ctx.method} ${ctx.path}`);
    } catch (thrown) {
      error = asTallyError(thrown);
      if (!(thrown instanceof TallyError)) unknown = thrown;
    }
    if (!error) return;

    const { status } = errorStatus[error.code];
    ctx.status = status;
    ctx.type = 'application/problem+json';
    ctx.body = problemDetails(error, apiVersionOf(ctx.path), requestId);
    if (status === 503) ctx.set('Retry-After', String(error.retryAfterSeconds ?? defaultRetryAfterSeconds));
    if (status === 401) ctx.set('WWW-Authenticate', 'Bearer');
    if (status === 413 || status === 408) ctx.set('Connection', 'close');

    const line = { requestId, method: ctx.method, path: ctx.path, status, code: error.code, detail: error.message };
    if (status >= 500) logger.error({ ...line, err: unknown ?? error.cause }, 'request failed');
    else logger.warn(line, 'request rejected');
  };
}

function asTallyError(thrown: unknown): TallyError {
  if (thrown instanceof TallyError) return thrown;
  // Koa/http-errors raised by middleware we do not own: keep their 4xx meaning.
  const status = (thrown as { status?: unknown; expose?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500 && (thrown as { expose?: unknown }).expose) {
    const code = Object.entries(errorStatus).find(([, v]) => v.status === status)?.[0] ?? 'BAD_REQUEST';
    return new TallyError(code as TallyError['code'], (thrown as Error).message);
  }
  if (isConnectionFailure(thrown)) return new TallyError('UNAVAILABLE', 'a backing service is unavailable', { cause: thrown });
  return new TallyError('INTERNAL', 'internal error', { retriable: false });
}

const connectionErrorCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);

/** Redis or broker unreachable: retrying later can succeed, so 503 rather than 500. */
function isConnectionFailure(thrown: unknown): boolean {
  if (!(thrown instanceof Error)) return false;
  const code = (thrown as { code?: unknown }).code;
  return (
    thrown.name === 'MaxRetriesPerRequestError' ||
    thrown.message === 'Connection is closed.' ||
    (typeof code === 'string' && connectionErrorCodes.has(code))
  );
}
