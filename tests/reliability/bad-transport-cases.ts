import { gzipSync } from 'node:zlib';
import { maxBodyBytes, valid, type BadInputCase, type CaseBuilder, type Tokens } from './bad-input-case.js';

/** Requests bad below the JSON: sizes, bytes, content types and encodings, bodies that stall, Authorization headers. */
export function badTransportCases({ next, rawCase }: CaseBuilder): BadInputCase[] {
  const cases: BadInputCase[] = [];
  const add = (...more: BadInputCase[]) => cases.push(...more);
  const whole = JSON.stringify([valid(1), valid(2)]);
  const event = JSON.stringify(valid(next()));
  const malformed = /malformed JSON/;

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
