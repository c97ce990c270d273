/**
 * Request bodies for the load phases: realistic Kong-style CloudEvents spread
 * over many subjects (so they spread over partitions), prepared up front so
 * the load generator spends its time sending, not building JSON.
 */
export interface BodyPool {
  single: string[];
  batch: string[];
}

export function subjectOf(customer: number): string {
  return `cust-${customer}`;
}

export function benchEvent(id: string, customer: number, time = new Date()): Record<string, unknown> {
  return {
    specversion: '1.0',
    id,
    source: 'kong-bench',
    type: 'kong.api_request',
    subject: subjectOf(customer),
    time: time.toISOString(),
    data: {
      request_method: 'GET',
      request_path: '/v1/things',
      response_http_status: 200,
      latency_ms: 12 + (customer % 50),
      tokens: 1 + (customer % 7),
      model: `model-${customer % 3}`,
    },
  };
}

/** `poolSize` distinct single-event bodies and batch-of-`batchSize` bodies over `customers` subjects. */
export function createBodyPool({ customers, batchSize, poolSize, tag }: { customers: number; batchSize: number; poolSize: number; tag: string }): BodyPool {
  let n = 0;
  const next = () => benchEvent(`${tag}-${n}`, n++ % customers);
  const single = Array.from({ length: poolSize }, () => JSON.stringify(next()));
  const batch = Array.from({ length: poolSize }, () => JSON.stringify(Array.from({ length: batchSize }, next)));
  return { single, batch };
}
