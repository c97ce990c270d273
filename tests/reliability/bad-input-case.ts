/** The ingest paths and content types every family of cases is spread over. */
export const paths = ['/api/v1/events', '/v3/openmeter/events', '/api/v3/openmeter/events'] as const;
export type IngestPath = (typeof paths)[number];
export const contentTypes = ['application/cloudevents+json', 'application/cloudevents-batch+json', 'application/json'] as const;
export type ContentType = (typeof contentTypes)[number];

export interface Tokens {
  ingest: string;
  read: string;
  revoked: string;
}

/** One bad request and what it must get: a 4xx problem+json naming what is wrong, nothing published. */
export interface BadInputCase {
  name: string;
  path: IngestPath;
  /** undefined sends no Content-Type header. */
  contentType: string | undefined;
  body: string | Buffer;
  /** The Authorization header value(s); the default is a valid ingest token. */
  authorization?: (tokens: Tokens) => string | string[] | undefined;
  headers?: Record<string, string>;
  stallAfterBytes?: number;
  chunked?: boolean;
  status: 400 | 401 | 403 | 408 | 413 | 415;
  /** The detail must match this. */
  detail: RegExp;
  /** On v3 paths, `invalid_parameters` must name exactly these fields. */
  fields?: string[];
}

/** The per-request limits the table is written against (set on the app under test). */
// The body timeout leaves room for a loaded machine: only the stalled cases may reach it.
export const caseLimits = { TALLY_BODY_TIMEOUT_MS: '1500', TALLY_MAX_BODY_BYTES: String(1024 * 1024) };
export const maxBodyBytes = 1024 * 1024;

export const valid = (i = 0): Record<string, unknown> => ({
  specversion: '1.0',
  id: `bad-input-${i}`,
  source: 'gateway-1',
  type: 'kong.api_request',
  subject: 'customer-1',
  time: '2026-05-01T12:00:00.123Z',
  data: { request_method: 'GET', response_http_status: 200 },
});

/** A body of events as the content type carries them: one object, or an array. */
function eventsBody(events: unknown[], contentType: ContentType): string {
  if (events.length === 1 && contentType === 'application/cloudevents+json') return JSON.stringify(events[0]);
  return JSON.stringify(events);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface CaseBuilder {
  /** The next position in the rotation over paths and content types. */
  next(): number;
  rawCase(name: string, body: string | Buffer, status: BadInputCase['status'], detail: RegExp, extra?: Partial<BadInputCase>): BadInputCase;
  eventCase(name: string, mutate: (event: Record<string, unknown>) => void, field: string, reason: RegExp, onlyPaths?: readonly IngestPath[]): BadInputCase;
}

/** Spreads the cases it builds over every path and content type in turn. */
export function createCaseBuilder(): CaseBuilder {
  let rotation = 0;
  const next = () => rotation++;
  /** A raw body spread over the paths and content types in turn. */
  function rawCase(name: string, body: string | Buffer, status: BadInputCase['status'], detail: RegExp, extra: Partial<BadInputCase> = {}): BadInputCase {
    const i = next();
    return { name, path: paths[i % 3]!, contentType: contentTypes[Math.floor(i / 3) % 3], body, status, detail, ...extra };
  }
  /** One event changed by `mutate`, sent as its content type carries it, on each path in turn. */
  function eventCase(name: string, mutate: (event: Record<string, unknown>) => void, field: string, reason: RegExp, onlyPaths?: readonly IngestPath[]): BadInputCase {
    const i = next();
    const usable = onlyPaths ?? paths;
    const contentType = contentTypes[i % 3]!;
    const event = valid(i);
    mutate(event);
    return { name, path: usable[Math.floor(i / 3) % usable.length]!, contentType, body: eventsBody([event], contentType), status: 400, detail: new RegExp(`${escape(field)}: ${reason.source}`), fields: [field] };
  }
  return { next, rawCase, eventCase };
}

