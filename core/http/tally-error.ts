/**
 * The closed set of error codes. Each maps to one HTTP status in
 * `error-status.ts`; the error middleware renders them as problem+json in
 * the shape of the API version of the route.
 */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'REQUEST_TIMEOUT'
  | 'UNAVAILABLE'
  | 'INTERNAL';

/** One bad field, as v3's `invalid_parameters` lists it. */
export interface InvalidParameter {
  field: string;
  rule: string;
  reason: string;
  source: 'body' | 'query' | 'path' | 'header';
}

export interface TallyErrorOptions {
  invalidParameters?: InvalidParameter[];
  /** True when retrying the same request later can succeed (503, worker retry). */
  retriable?: boolean;
  /** Seconds for `Retry-After` on retriable errors. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class TallyError extends Error {
  readonly code: ErrorCode;
  readonly invalidParameters: InvalidParameter[];
  readonly retriable: boolean;
  readonly retryAfterSeconds: number | undefined;

  /** `detail` is shown to the client: never put internals in it. */
  constructor(code: ErrorCode, detail: string, options: TallyErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TallyError';
    this.code = code;
    this.invalidParameters = options.invalidParameters ?? [];
    this.retriable = options.retriable ?? code === 'UNAVAILABLE';
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** The one predicate deciding 503-vs-4xx and retry-vs-dead-letter. */
export function isRetriable(error: unknown): boolean {
  if (error instanceof TallyError) return error.retriable;
  // Unknown failures (network, Redis, broker) are assumed transient.
  return true;
}
