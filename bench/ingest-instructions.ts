import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { resolve } from 'node:path';
import Koa from 'koa';
import { startKafkaMock } from '../tests/support/kafka-mock.js';
import { startRedis } from '../tests/support/redis-server.js';
import { createBodyPool } from './event-bodies.js';

/**
 * Instructions per single-event request, counted by callgrind: unlike CPU
 * time, the count barely moves with the load of a shared machine (two runs
 * of one build agree within ~1.5%), so two builds compare on a busy box.
 *
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
 *     node --import tsx bench/ingest-instructions.ts <tally root|ceiling> [requests] [stream|kafka]
 *
 * `<tally root>` is a built checkout (its `dist/` is loaded), so a build of
 * another commit compares with this one; `ceiling` serves the bare-Koa
 * ceiling instead. Tally runs in this process with 16 keep-alive raw-socket
 * clients, so the count includes the clients' share (the same for every
 * build): compare builds, and the ceiling, with each other. After a warm-up
 * (`WARMUP` requests, default 4,000, so the code is optimized), the
 * counters are zeroed and the requests counted; the main thread's count is
 * the figure (V8's helper threads vary more).
 */
const [root = '.', requestsArg = '2000', log = 'stream'] = process.argv.slice(2);
const token = 'tly_ingest-instructions-admin-token';
const redis = await startRedis();
const kafka = log === 'kafka' ? await startKafkaMock() : undefined;
const server = root === 'ceiling' ? await startCeiling() : await startTallyIngest(resolve(root));

async function startCeiling(): Promise<{ port: number; stop(): Promise<void> }> {
  const app = new Koa();
  // As bench/ceiling-server.ts, answering 204 as /api/v1/events does.
  app.use(async (ctx) => {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    ctx.status = typeof parsed === 'object' ? 204 : 400;
    ctx.body = null;
  });
  const http = createServer(app.callback());
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
  return { port: (http.address() as AddressInfo).port, stop: async () => void http.close() };
}

async function startTallyIngest(dir: string): Promise<{ port: number; stop(): Promise<void> }> {
  const { loadConfig } = await import(`${dir}/dist/core/config/config.js`);
  const { startTally } = await import(`${dir}/dist/services/compose/start-tally.js`);
  const { createLogger } = await import(`${dir}/dist/services/compose/create-logger.js`);
  const env: Record<string, string> = { REDIS_URL: redis.url, TALLY_REDIS_PREFIX: `ii-${Date.now()}:`, TALLY_ADMIN_TOKEN: token, PORT: '0', HOST: '127.0.0.1', TALLY_STREAM_MAXLEN: '100000' };
  if (kafka) {
    await kafka.createTopic('ii-events', 8);
    Object.assign(env, { KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_TOPIC: 'ii-events', KAFKA_GROUP_ID: 'ii-events' });
  }
  return startTally({ role: 'ingest', config: loadConfig(env), logger: createLogger({ level: 'warn' }), worker: undefined });
}

const requests = createBodyPool({ customers: 10_000, batchSize: 1, poolSize: 200, tag: `ii-${Date.now()}` }).single.map((body) =>
  Buffer.from(
    `POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/cloudevents+json\r\nAuthorization: Bearer ${token}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  ),
);
let next = 0;
let answered = 0;
let target = 0;
let failed = 0;
let finished: () => void = () => undefined;
const sockets: Socket[] = [];
for (let i = 0; i < 16; i++) {
  const socket = connect(server.port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
    let end: number;
    // Every answer of /api/v1/events is a head without a body.
    while ((end = received.indexOf('\r\n\r\n')) !== -1) {
      if (!received.startsWith('HTTP/1.1 204')) failed++;
      received = received.slice(end + 4);
      if (++answered === target) finished();
      if (answered <= target - sockets.length) socket.write(requests[next++ % requests.length]!);
    }
  });
  sockets.push(socket);
}
await Promise.all(sockets.map((socket) => new Promise((ready) => socket.once('connect', ready))));

async function send(count: number): Promise<void> {
  answered = 0;
  target = count;
  const done = new Promise<void>((resolveDone) => (finished = resolveDone));
  for (const socket of sockets) socket.write(requests[next++ % requests.length]!);
  await done;
}
const callgrind = (...args: string[]) =>
  new Promise<string>((done) => execFile('callgrind_control', [...args, String(process.pid)], (_error, out) => done(out ?? '')));

await send(Number(process.env.WARMUP ?? 4_000));
await callgrind('-z');
await send(Number(requestsArg));
const counts = [...(await callgrind('-e', 'Ir')).matchAll(/Th\s*\d+\s+([\d,]+)/g)].map((m) => Number(m[1]!.replace(/,/g, '')));
if (counts.length === 0) process.stderr.write('no counts: run this under valgrind --tool=callgrind\n');
const perRequest = (n: number) => (n / answered / 1000).toFixed(1);
process.stdout.write(
  `${root} (${log}): main thread ${perRequest(counts[0] ?? Number.NaN)}k, all threads ${perRequest(counts.reduce((a, b) => a + b, 0))}k instructions per request (${answered} requests, ${failed} not 204)\n`,
);
for (const socket of sockets) socket.destroy();
await server.stop();
await kafka?.stop();
await redis.stop();
process.exit(0);
