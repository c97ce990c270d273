import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface RawRequestOptions {
  method?: string;
  /** Header values as sent; an array sends the header once per value (duplicate headers). */
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Send only the first `stallAfterBytes` bytes of the body, then stop sending (a slow client). */
  stallAfterBytes?: number;
  /** Send the body with chunked encoding instead of a Content-Length. */
  chunked?: boolean;
}

/**
 * An HTTP request with full control over what goes on the wire (duplicate
 * headers, no Content-Type, bodies that stall or never end), which fetch
 * does not allow. Resolves with the response as soon as it is complete, even
 * if the server answered before the body was sent.
 */
export function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const { method = 'POST', headers = {}, body, stallAfterBytes, chunked = false } = options;
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
  const sent = payload && stallAfterBytes !== undefined ? payload.subarray(0, stallAfterBytes) : payload;
  const lengthHeader = payload && !chunked && !hasHeader(headers, 'content-length') ? { 'content-length': String(payload.length) } : {};
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...lengthHeader, ...headers }, agent: false });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        req.destroy();
      });
      res.on('error', reject);
    });
    // The server may answer and close before the whole body is written: the response, once read, is what counts.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    let answered = false;
    req.once('response', () => (answered = true));
    // Headers go out at once, even when no body byte ever follows.
    req.flushHeaders();
    writeInChunks(req, sent ?? Buffer.alloc(0), () => {
      if (stallAfterBytes === undefined) req.end();
    });
  });
}

function writeInChunks(req: ReturnType<typeof request>, data: Buffer, done: () => void): void {
  const size = 64 * 1024;
  let offset = 0;
  const pump = () => {
    while (offset < data.length) {
      if (req.destroyed) return;
      const chunk = data.subarray(offset, offset + size);
      offset += chunk.length;
      if (!req.write(chunk)) return void req.once('drain', pump);
    }
    done();
  };
  pump();
}

function hasHeader(headers: Record<string, unknown>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}
