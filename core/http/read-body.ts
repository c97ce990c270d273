import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { TallyError } from './tally-error.js';

export interface BodyLimits {
  /** Bound on the body as received and, for gzip, once inflated. */
  maxBodyBytes: number;
  bodyTimeoutMs: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a request body as UTF-8 text without a body-parser framework (much
 * cheaper per request). Enforces the size limit while streaming, so an
 * oversized or slow body is cut off instead of buffered.
 * `Content-Encoding: gzip` is inflated with the same limit on the result.
 */
export async function readBody(req: IncomingMessage, limits: BodyLimits): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limits.maxBodyBytes) throw tooLarge(limits.maxBodyBytes);
  // A client that went away before we started reading emits no further events: listeners attached now would wait forever.
  if (req.destroyed || req.readableAborted) throw notReceived();
  const bytes = bufferedBody(req, declared, limits.maxBodyBytes) ?? (await collect(req, decodedStream(req), limits));
  try {
    return utf8.decode(bytes);
  } catch {
    throw new TallyError('BAD_REQUEST', 'request body is not valid UTF-8');
  }
}

/**
 * The body when the HTTP parser already has all of it: a small request
 * arrives in the same read as its head, and by the time the handler runs
 * (after the middleware's first await) the parser has pushed the body,
 * though it marks the message complete only a turn later. Taking it from
 * the stream's buffer skips the listeners, the timer and the copy of a
 * streamed read. Only for identity encoding and a stream nobody has
 * started reading.
 */
function bufferedBody(req: IncomingMessage, declared: number, maxBodyBytes: number): Buffer | undefined {
  if (req.readableFlowing || req.headers['content-encoding'] !== undefined) return undefined;
  if (!req.complete && req.readableLength !== declared) return undefined;
  if (req.readableLength > maxBodyBytes) throw tooLarge(maxBodyBytes);
  const body = (req.read() as Buffer | null) ?? Buffer.alloc(0);
  // The end of the message may still be on its way: drained, so the request still ends.
  req.resume();
  return body;
}

function decodedStream(req: IncomingMessage): Readable {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return req;
  if (encoding === 'gzip' || encoding === 'x-gzip') return req.pipe(createGunzip());
  throw new TallyError('UNSUPPORTED_MEDIA_TYPE', `unsupported Content-Encoding "${encoding}": send identity or gzip`);
}

/**
 * Collects `stream` (the request, or its inflated form). Settles on the
 * first of: end, error, the limit, the timeout, or the request closing
 * before it was complete (client gone), so a dead request never holds a
 * reader, a timer or the shutdown.
 */
function collect(req: IncomingMessage, stream: Readable, limits: BodyLimits): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error: TallyError | undefined) => {
      clearTimeout(timer);
      req.off('close', onClose);
      stream.off('data', onData).off('end', onEnd).off('error', onError);
      if (error) {
        stream.pause();
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, size));
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBodyBytes) finish(tooLarge(limits.maxBodyBytes));
      else chunks.push(chunk);
    };
    const onEnd = () => finish(undefined);
    // A complete request also closes; then `end` (of the inflated stream, for gzip) is still to come.
    const onClose = () => {
      if (!req.complete) finish(notReceived());
    };
    const onError = (error: Error) =>
      finish(
        'code' in error && String(error.code).startsWith('Z_')
          ? new TallyError('BAD_REQUEST', 'request body is not valid gzip')
          : notReceived(error),
      );
    const timer = setTimeout(
      () => finish(new TallyError('REQUEST_TIMEOUT', `request body not received within ${limits.bodyTimeoutMs} ms`)),
      limits.bodyTimeoutMs,
    );
    // Nothing else keeps the process alive for a reader: the timer only bounds it.
    timer.unref();
    req.on('close', onClose);
    stream.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

function notReceived(cause?: unknown): TallyError {
  return new TallyError('BAD_REQUEST', 'request body was not received completely', cause === undefined ? {} : { cause });
}

function tooLarge(limit: number): TallyError {
  return new TallyError('PAYLOAD_TOO_LARGE', `request body exceeds ${limit} bytes`);
}
