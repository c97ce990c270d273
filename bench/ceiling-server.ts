import { createServer } from 'node:http';
import Koa from 'koa';

/**
 * The ceiling: a bare Koa server that reads and JSON-parses the same bodies
 * Tally ingests, and nothing else (no auth, validation or publish). Tally's
 * throughput is reported as a fraction of this, measured in the same run on
 * the same machine, so a noisy shared box still gives comparable figures.
 *
 * Run as its own process: `node --import tsx bench/ceiling-server.ts <port>`.
 */
function createCeilingApp(): Koa {
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.method === 'GET') {
      ctx.body = 'ok';
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    ctx.status = Array.isArray(parsed) || typeof parsed === 'object' ? 202 : 400;
    ctx.body = null;
  });
  return app;
}

const port = Number(process.argv[2] ?? 0);
const server = createServer(createCeilingApp().callback());
server.listen(port, '127.0.0.1', () => process.send?.({ listening: true }));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
