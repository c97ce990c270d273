import type { Middleware } from 'koa';
import type { Registry } from 'prom-client';
import { createLocalCounter, createLocalHistogram, type LocalCounter, type LocalHistogram } from './local-metrics.js';

export interface HttpMetrics {
  /** Counts and times every request by matched route and status. */
  middleware: Middleware;
  eventsAccepted: LocalCounter<'api'>;
  /** By reason (the error code, lowercase); one per event when the body was decoded, else one per request. */
  eventsRejected: LocalCounter<'api' | 'reason'>;
  /** Seconds. */
  publishDuration: LocalHistogram<'outcome'>;
}

/** Registers the HTTP and ingest metrics on the composition root's Registry. */
export function createHttpMetrics({ registry }: { registry: Registry }): HttpMetrics {
  const registers = [registry];
  const requests = createLocalCounter({
    name: 'tally_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const duration = createLocalHistogram({
    name: 'tally_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  return {
    middleware: async (ctx, next) => {
      const started = performance.now();
      try {
        await next();
      } finally {
        // The matched route pattern, never the raw path: ids would explode the label set.
        const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
        const { method } = ctx;
        duration.observe({ method, route }, (performance.now() - started) / 1000);
        requests.inc({ method, route, status: String(ctx.status) });
      }
    },
    eventsAccepted: createLocalCounter({
      name: 'tally_events_accepted_total',
      help: 'Events acknowledged by the log',
      labelNames: ['api'] as const,
      registers,
    }),
    eventsRejected: createLocalCounter({
      name: 'tally_events_rejected_total',
      help: 'Events (or undecodable requests) rejected, by reason',
      labelNames: ['api', 'reason'] as const,
      registers,
    }),
    publishDuration: createLocalHistogram({
      name: 'tally_log_publish_duration_seconds',
      help: 'Time for the log to acknowledge one request worth of events',
      labelNames: ['outcome'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
  };
}
