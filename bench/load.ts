import autocannon from 'autocannon';
import type { NodeProcess } from './node-process.js';

export interface LoadOptions {
  url: string;
  /** POST bodies, cycled; none for a GET. */
  bodies?: readonly string[];
  contentType?: string;
  token?: string;
  connections: number;
  durationSec: number;
  /** Events each body carries: events/s = requests/s × this. */
  eventsPerRequest: number;
}

export interface LoadResult {
  requestsPerSec: number;
  eventsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests answered 2xx. */
  completed: number;
  /** Non-2xx replies plus connection errors: any of them marks the run as failed. */
  failures: number;
}

/**
 * Closed-loop load with autocannon (as a library): `connections` keep one
 * request each in flight, cycling through the prepared bodies. The server
 * runs in another process, so this one only pays for sending.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { bodies } = options;
  let next = 0;
  const headers: Record<string, string> = options.contentType ? { 'content-type': options.contentType } : {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSec,
    method: bodies ? 'POST' : 'GET',
    headers,
    requests: [
      {
        setupRequest: (request) => {
          if (bodies) request.body = bodies[next++ % bodies.length];
          return request;
        },
      },
    ],
  });
  const completed = result['2xx'] / Math.max(result.duration, 0.001);
  return {
    completed: result['2xx'],
    requestsPerSec: completed,
    eventsPerSec: completed * options.eventsPerRequest,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors,
  };
}

export interface MeasuredLoad extends LoadResult {
  /** Server CPU time per event during the run, in µs: comparable across runs on a busy machine. */
  cpuMicrosPerEvent: number;
  peakRssBytes: number;
}

/** `runLoad` against `server`, adding what the server process spent. */
export async function runLoadOn(server: Pick<NodeProcess, 'cpuSeconds' | 'peakRssBytes'>, options: LoadOptions): Promise<MeasuredLoad> {
  const cpuBefore = server.cpuSeconds();
  const result = await runLoad(options);
  const events = result.completed * options.eventsPerRequest;
  const cpuMicrosPerEvent = events > 0 ? ((server.cpuSeconds() - cpuBefore) * 1e6) / events : Number.NaN;
  return { ...result, cpuMicrosPerEvent, peakRssBytes: server.peakRssBytes() };
}
