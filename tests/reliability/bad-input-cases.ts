import { gzipSync } from 'node:zlib';

/** The ingest paths and content types every family of cases is spread over. */
export const paths = ['/api/v1/events', '/v3/openmeter/events', '/api/v3/openmeter/events'] as const;
export type IngestPath = (typeof paths)[number];
const contentTypes = ['application/cloudevents+json', 'application/cloudevents-batch+json', 'application/json'] as const;
type ContentType = (typeof contentTypes)[number];

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
const maxBodyBytes = 1024 * 1024;

const valid = (i = 0): Record<string, unknown> => ({
  specversion: '1.0',
  id: `bad-input-${i}`,
  source: 'gateway-1',
  type: 'kong.api_request',
  subject: 'customer-1',
  time: '2026-05-01T12:00:00.123Z',
  data: { request_method: 'GET', response_http_status: 200 },
});

let rotation = 0;
const next = () => rotation++;

/** A body of events as the content type carries them: one object, or an array. */
function eventsBody(events: unknown[], contentType: ContentType): string {
  if (events.length === 1 && contentType === 'application/cloudevents+json') return JSON.stringify(events[0]);
  return JSON.stringify(events);
}

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

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const requiredFields = ['id', 'source', 'specversion', 'type', 'subject'] as const;
const wrongTypes: ReadonlyArray<[string, unknown]> = [['number', 123], ['boolean', true], ['null', null], ['array', ['x']], ['object', { a: 1 }], ['float', 1.5]];
const v1Paths = ['/api/v1/events'] as const;
const v3Paths = ['/v3/openmeter/events', '/api/v3/openmeter/events'] as const;

function deep(depth: number, open: string, close: string, inner = ''): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

export function buildBadInputCases(): BadInputCase[] {
  rotation = 0;
  const cases: BadInputCase[] = [];
  const add = (...more: BadInputCase[]) => cases.push(...more);
  const whole = JSON.stringify([valid(1), valid(2)]);
  const malformed = /malformed JSON/;

  // Malformed and truncated JSON.
  for (const [name, body] of [
    ['lone brace', '{'], ['lone bracket', '['], ['unclosed array of objects', '[{'], ['key without value', '{"id":'],
    ['unclosed object', '{"id":"a"'], ['trailing comma in array', '[{"id":"a"},]'], ['trailing comma in object', '{"id":"a",}'],
    ['closing brace only', '}'], ['closing bracket only', ']'], ['truncated literal', 'nul'], ['truncated true', 'tru'],
    ['single quotes', "{'id':'a'}"], ['unquoted keys', '{id:"a"}'], ['missing colon', '{"id" "a"}'], ['leading zero', '{"n":01}'],
    ['NaN literal', '{"n":NaN}'], ['Infinity literal', '[Infinity]'], ['bad escape', '{"id":"\\x41"}'], ['unterminated string', '{"id":"abc'],
    ['raw newline in string', '{"id":"a\nb"}'], ['comment', '// events\n[]'], ['two documents', '{}{}'], ['byte order mark before garbage', '\uFEFF]'],
    ['garbage', '¯\\_(ツ)_/¯'], ['hex number', '{"n":0x10}'],
  ] as const) {
    add(rawCase(`malformed JSON: ${name}`, body, 400, malformed));
  }
  for (const fraction of [0.1, 0.5, 0.9]) {
    add(rawCase(`truncated at ${fraction * 100}%`, whole.slice(0, Math.floor(whole.length * fraction)), 400, malformed));
  }
  add(rawCase('truncated by one character', whole.slice(0, -1), 400, malformed));

  // Empty bodies and JSON that is not events.
  for (const [name, body] of [['empty', ''], ['spaces', '   '], ['newlines', '\n\n']] as const) add(rawCase(`empty body: ${name}`, body, 400, /empty/));
  for (const [name, body] of [['string', '"event"'], ['number', '42'], ['null', 'null'], ['true', 'true']] as const) {
    add(rawCase(`top-level ${name}`, body, 400, /carries/));
  }
  for (const [name, element] of [['number', '1'], ['string', '"x"'], ['null', 'null'], ['array', '[]'], ['boolean', 'true']] as const) {
    add({ ...rawCase(`batch element is a ${name}`, `[${element}]`, 400, /must be a JSON object/), contentType: 'application/cloudevents-batch+json' });
  }

  // Wrong types, empty strings and missing keys, per required attribute.
  for (const field of requiredFields) {
    for (const [name, value] of wrongTypes) {
      add(eventCase(`${field} is a ${name}`, (e) => void (e[field] = value), field, /must be string/));
    }
    add(eventCase(`${field} is missing`, (e) => void delete e[field], field, /is required/));
    if (field !== 'specversion') add(eventCase(`${field} is empty`, (e) => void (e[field] = ''), field, /must be a non-empty string/));
  }
  for (const version of ['', '0.3', '1', '2.0', '1.0 ', ' 1.0']) {
    add(eventCase(`specversion "${version}"`, (e) => void (e.specversion = version), 'specversion', /must be "1\.0"/));
  }

  // Invalid times.
  for (const time of [
    'yesterday', '', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', '2026-05-01', '2026-05-01T25:00:00Z', '2026-05-01T12:60:00Z',
    '2026-05-01T12:00:61Z', '2026-05-01T12:00:00+25:00', '0000-00-00T00:00:00Z', '1714560000', '2026-05-01T12:00:00.123', 'T12:00:00Z',
  ]) {
    add(eventCase(`time "${time}"`, (e) => void (e.time = time), 'time', /must be an RFC 3339 timestamp/));
  }
  for (const [name, value] of [['number', 1714560000], ['null', null], ['object', {}], ['boolean', false]] as const) {
    add(eventCase(`time is a ${name}`, (e) => void (e.time = value), 'time', /must be string/));
  }

  // data, datacontenttype, dataschema.
  for (const [name, value] of [['array', [1, 2]], ['empty array', []], ['string', 'tokens=5'], ['empty string', ''], ['number', 5], ['boolean', true]] as const) {
    add(eventCase(`data is a ${name}`, (e) => void (e.data = value), 'data', /must be a JSON object or null/));
  }
  for (const type of ['text/plain', 'application/xml', '', 'APPLICATION/JSON ']) {
    add(eventCase(`datacontenttype "${type}"`, (e) => void (e.datacontenttype = type), 'datacontenttype', /must be application\/json/));
  }
  add(eventCase('datacontenttype is a number', (e) => void (e.datacontenttype = 1), 'datacontenttype', /must be application\/json/));
  for (const [name, value] of [['not a URI', 'not a uri'], ['empty', ''], ['number', 5], ['object', {}]] as const) {
    add(eventCase(`dataschema is ${name}`, (e) => void (e.dataschema = value), 'dataschema', /must be/));
  }

  // Extension attributes: v1 takes scalar ones with lowercase names; v3 takes none.
  for (const [name, key, value] of [
    ['object value', 'tenant', { id: 1 }], ['array value', 'tags', ['a']], ['uppercase name', 'Tenant', 'x'], ['dash in name', 'x-tenant', 'x'],
    ['65-character name', 'a'.repeat(65), 'x'], ['empty name', '', 'x'], ['constructor object', 'constructor', {}], ['prototype array', 'prototype', []],
  ] as const) {
    add(eventCase(`v1 extension: ${name}`, (e) => void (e[key] = value), key, /.+/, v1Paths));
  }
  for (const key of ['tenant', 'constructor', 'prototype', 'toString', 'hasOwnProperty']) {
    add(eventCase(`v3 extension "${key}"`, (e) => void (e[key] = 'x'), key, /is not a CloudEvents attribute accepted here/, v3Paths));
  }

  // Batches name the index of every bad event.
  for (const [at, field] of [[3, 'subject'], [0, 'id'], [9, 'data']] as const) {
    const events = Array.from({ length: 10 }, (_, i) => valid(i));
    (events[at] as Record<string, unknown>)[field] = field === 'data' ? 'x' : '';
    add({ ...rawCase(`batch of 10, bad ${field} at index ${at}`, JSON.stringify(events), 400, new RegExp(`\\[${at}\\]\\.${field}`)), contentType: 'application/cloudevents-batch+json', fields: [`[${at}].${field}`] });
  }
  {
    const events = Array.from({ length: 5 }, (_, i) => valid(i));
    delete events[1]!.source;
    events[4]!.time = 'soon';
    add({ ...rawCase('batch with two bad events', JSON.stringify(events), 400, /\[1\]\.source.*\[4\]\.time/), contentType: 'application/json', fields: ['[1].source', '[4].time'] });
  }

  // Duplicate keys: the last occurrence is the value (as JSON.parse and every mainstream parser), so a bad last value is refused.
  for (const field of ['subject', 'id', 'specversion', 'data']) {
    const bad = field === 'data' ? '"x"' : '""';
    const body = JSON.stringify(valid(next())).replace(/^\{/, `{"${field}":${JSON.stringify(valid()[field])},`).replace(/\}$/, `,"${field}":${bad}}`);
    add({ ...rawCase(`duplicate key ${field}, last one bad`, body, 400, new RegExp(field)), contentType: 'application/cloudevents+json', fields: [field] });
  }

  // Huge numbers: out of the double range is refused rather than silently becoming null.
  for (const [name, literal] of [['1e400 in data', '{"tokens":1e400}'], ['-1e400 in data', '{"tokens":-1e400}'], ['400-digit integer in data', `{"tokens":1${'0'.repeat(400)}}`], ['1e999 nested in data', '{"usage":{"input":[1,2,1e999]}}']] as const) {
    const body = JSON.stringify(valid(next())).replace(/"data":\{[^}]*\}/, `"data":${literal}`);
    add({ ...rawCase(`huge number: ${name}`, body, 400, /number out of range/), contentType: 'application/cloudevents+json' });
  }
  add(eventCase('huge number as id', (e) => void (e.id = 1e300), 'id', /must be string/));

  // Prototype keys.
  const withKey = (place: string, json: string) => rawCase(`__proto__ ${place}`, json, 400, /__proto__/);
  const event = JSON.stringify(valid(next()));
  add(withKey('at the top of an event', event.replace(/^\{/, '{"__proto__":{"admin":true},')));
  add(withKey('in data', event.replace('"data":{', '"data":{"__proto__":{"polluted":1},')));
  add(withKey('nested deep in data', event.replace('"data":{', '"data":{"a":{"b":[{"__proto__":null}]},')));
  add(withKey('written with a unicode escape', event.replace(/^\{/, '{"\\u005f_proto__":{"x":1},')));
  add(withKey('in a batch element', `[${event},${event.replace(/^\{/, '{"__proto__":1,')}]`));

  // Nesting.
  const nested = (depth: number) => event.replace('"data":{', `"data":{"deep":${deep(depth, '{"a":', '}', '1')},`);
  add(rawCase('objects nested 10,000 deep in data', nested(10_000), 400, /nesting deeper than 64/));
  add(rawCase('arrays nested 10,000 deep', deep(10_000, '[', ']'), 400, /nesting deeper than 64/));
  add(rawCase('arrays opened 10,000 deep, never closed', '['.repeat(10_000), 400, /nesting deeper than 64/));
  add(rawCase('nesting one level past the limit', nested(63), 400, /nesting deeper than 64/));

  // Size limits.
  add(rawCase('declared Content-Length over the body limit', '[', 413, /exceeds/, { headers: { 'content-length': String(maxBodyBytes + 1) }, stallAfterBytes: 1 }));
  add(rawCase('chunked body over the body limit', `[${'{},'.repeat(maxBodyBytes / 3)}{}]`, 413, /exceeds/, { chunked: true }));
  add({ ...rawCase('batch over the event limit', `[${'{},'.repeat(10_000)}{}]`, 413, /too many events: 10001/), contentType: 'application/cloudevents-batch+json' });
  {
    const big = valid(next());
    big.data = { blob: 'x'.repeat(64 * 1024) };
    add({ ...rawCase('one event over the per-event limit', JSON.stringify([valid(0), big]), 413, /index 1 is \d+ bytes \(limit 65536/), contentType: 'application/cloudevents-batch+json' });
    add({ ...rawCase('a single event over the per-event limit', JSON.stringify(big), 413, /the event is \d+ bytes/), contentType: 'application/cloudevents+json' });
  }

  // Bytes that are not UTF-8 text, and NUL.
  const bytes = (name: string, ...parts: Array<string | number[]>) =>
    rawCase(`invalid UTF-8: ${name}`, Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p)))), 400, /not valid UTF-8/);
  add(bytes('0xff in a string', '{"id":"', [0xff], '"}'));
  add(bytes('overlong slash', '{"id":"', [0xc0, 0xaf], '"}'));
  add(bytes('encoded surrogate', '{"id":"', [0xed, 0xa0, 0x80], '"}'));
  add(bytes('truncated sequence at the end', '[', [0xe2, 0x82]));
  add(bytes('Latin-1 text', '{"subject":"M', [0xfc], 'ller"}'));
  add(rawCase('NUL byte inside a string', event.replace('customer-1', 'customer\u00001'), 400, malformed));
  add(rawCase('NUL byte between tokens', `\u0000${event}`, 400, malformed));

  // Content types and encodings.
  for (const type of [undefined, 'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', 'application/cloudevents+json; charset=latin1', 'application/json; charset=utf-16', 'json', '*/*']) {
    add({ ...rawCase(`content type ${type ?? 'missing'}`, whole, 415, /unsupported/), contentType: type });
  }
  const gz = (name: string, body: Buffer, status: BadInputCase['status'], detail: RegExp, encoding = 'gzip') =>
    add(rawCase(`gzip: ${name}`, body, status, detail, { headers: { 'content-encoding': encoding } }));
  gz('not gzip at all', Buffer.from(whole), 400, /not valid gzip/);
  gz('truncated stream', gzipSync(whole).subarray(0, 20), 400, /not valid gzip|not received completely/);
  gz('corrupted stream', Buffer.from(gzipSync(whole).map((b, i) => (i > 12 ? b ^ 0x5a : b))), 400, /not valid gzip/);
  gz('bomb inflating past the body limit', gzipSync(Buffer.alloc(maxBodyBytes * 16, 0x20)), 413, /exceeds/);
  gz('malformed JSON inside', gzipSync('[{"id":'), 400, malformed);
  gz('invalid UTF-8 inside', gzipSync(Buffer.from([0x5b, 0xff, 0x5d])), 400, /not valid UTF-8/);
  gz('brotli is not supported', Buffer.from(whole), 415, /Content-Encoding "br"/, 'br');
  gz('deflate is not supported', Buffer.from(whole), 415, /Content-Encoding "deflate"/, 'deflate');
  gz('stacked encodings', gzipSync(gzipSync(whole)), 415, /Content-Encoding "gzip, gzip"/, 'gzip, gzip');

  // A body that stops arriving.
  add(rawCase('slow body: stalls after half', whole, 408, /not received within 1500 ms/, { stallAfterBytes: Math.floor(whole.length / 2) }));
  add(rawCase('slow body: headers only', whole, 408, /not received within 1500 ms/, { stallAfterBytes: 0 }));

  // Authorization.
  const auth = (name: string, header: (t: Tokens) => string | string[] | undefined, status: 401 | 403, detail: RegExp) =>
    add({ ...rawCase(`Authorization: ${name}`, whole, status, detail, { authorization: header }), contentType: 'application/cloudevents-batch+json' });
  auth('missing', () => undefined, 401, /missing Authorization/);
  auth('scheme only', () => 'Bearer', 401, /malformed/);
  auth('lowercase scheme', (t) => `bearer ${t.ingest}`, 401, /malformed/);
  auth('uppercase scheme', (t) => `BEARER ${t.ingest}`, 401, /malformed/);
  auth('duplicate headers, same token', (t) => [`Bearer ${t.ingest}`, `Bearer ${t.ingest}`], 401, /malformed Authorization/);
  auth('duplicate headers, second bad', (t) => [`Bearer ${t.ingest}`, 'Bearer nope'], 401, /malformed Authorization/);
  auth('two spaces', (t) => `Bearer  ${t.ingest}`, 401, /malformed/);
  auth('tab separator', (t) => `Bearer\t${t.ingest}`, 401, /malformed/);
  auth('space inside the token', (t) => `Bearer ${t.ingest.slice(0, 8)} ${t.ingest.slice(8)}`, 401, /malformed/);
  auth('token with a comma', (t) => `Bearer ${t.ingest},${t.ingest}`, 401, /malformed/);
  auth('Basic scheme', () => 'Basic dXNlcjpwYXNz', 401, /malformed/);
  auth('token without scheme', (t) => t.ingest, 401, /malformed/);
  auth('unknown token', () => 'Bearer tly_unknown_token_value', 401, /unknown or revoked/);
  auth('revoked token', (t) => `Bearer ${t.revoked}`, 401, /unknown or revoked/);
  auth('read-only token', (t) => `Bearer ${t.read}`, 403, /"ingest" scope/);
  return cases;
}
