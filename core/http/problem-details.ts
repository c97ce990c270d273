import { STATUS_CODES } from 'node:http';
import { errorStatus } from './error-status.js';
import type { TallyError } from './tally-error.js';

export type ApiVersion = 'v1' | 'v3';

/** v3 shape on v3 paths (Konnect and OpenMeter v3); v1 shape everywhere else. */
export function apiVersionOf(path: string): ApiVersion {
  return path.startsWith('/v3/') || path.startsWith('/api/v3/') ? 'v3' : 'v1';
}

/** The problem+json body of an error, in the shape of the API version (compat.md §Errors). */
export function problemDetails(error: TallyError, version: ApiVersion, requestId: string): Record<string, unknown> {
  const { status, v3Type } = errorStatus[error.code];
  const title = STATUS_CODES[status] ?? 'Error';
  const instance = `urn:request:${requestId}`;
  if (version === 'v1') {
    return { type: 'about:blank', title, status, detail: error.message, instance };
  }
  const body: Record<string, unknown> = {
    type: `https://kongapi.info/konnect/${v3Type}`,
    status,
    title,
    instance,
    detail: error.message,
  };
  if (error.invalidParameters.length > 0) body.invalid_parameters = error.invalidParameters;
  return body;
}
