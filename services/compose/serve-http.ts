import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

export interface HttpServer {
  port: number;
  /**
   * Stops accepting, lets in-flight requests finish (up to `graceMs`), then
   * drops what is left. Responses sent meanwhile carry `Connection: close`,
   * so busy keep-alive clients move to another replica instead of holding
   * the process open with request after request.
   */
  close(): Promise<void>;
}

export async function serveHttp({ app, port, host, graceMs }: { app: Koa; port: number; host: string; graceMs: number }): Promise<HttpServer> {
  const server: Server = createServer(app.callback());
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  const endKeepAlive = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  server.on('request', (_req, res: ServerResponse) => {
    if (closing) return endKeepAlive(res);
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const res of inFlight) endKeepAlive(res);
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        // Keep-alive connections with no request in flight would hold close() open.
        server.closeIdleConnections();
      }),
  };
}
