/**
 * The two request shapes every throughput phase sends, identical for the
 * ceiling and for Tally so their ratio compares like with like. Concurrency
 * is what a fleet of gateways offers: many connections with one request each.
 */
export const loadShapes = {
  single: { contentType: 'application/cloudevents+json', connections: 64, eventsPerRequest: 1 },
  batch: { contentType: 'application/cloudevents-batch+json', connections: 16, eventsPerRequest: 100 },
} as const;
