import type { ErrorCode } from './tally-error.js';

/** The one place an ErrorCode becomes an HTTP status and a v3 problem type. */
export const errorStatus: Record<ErrorCode, { status: number; v3Type: string }> = {
  BAD_REQUEST: { status: 400, v3Type: 'bad-request' },
  UNAUTHENTICATED: { status: 401, v3Type: 'unauthenticated' },
  FORBIDDEN: { status: 403, v3Type: 'unauthorized' },
  NOT_FOUND: { status: 404, v3Type: 'not-found' },
  REQUEST_TIMEOUT: { status: 408, v3Type: 'request-timeout' },
  CONFLICT: { status: 409, v3Type: 'conflict' },
  PAYLOAD_TOO_LARGE: { status: 413, v3Type: 'payload-too-large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, v3Type: 'unsupported-media-type' },
  INTERNAL: { status: 500, v3Type: 'internal' },
  UNAVAILABLE: { status: 503, v3Type: 'unavailable' },
};
