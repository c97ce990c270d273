/**
 * A client that behaves like a gateway: sends batches of new events, and
 * re-sends a batch (same ids) until it gets a 2xx, as Kong's queue and the
 * OpenMeter collector do. It counts every event acknowledged with a 2xx;
 * since each batch is re-sent until acknowledged, that is also every
 * distinct event sent, so meters must equal it exactly: nothing lost, and
 * every re-send (a duplicate) counted once.
 */
export interface LoadDriver {
  /** Distinct events acknowledged (2xx), per subject. */
  acknowledged: Map<string, number>;
  acknowledgedTotal(): number;
  /** Status (or error code) -> number of requests. */
  outcomes: Map<string, number>;
  /** Retry-After values seen on 503s. */
  retryAfter: string[];
  /** Batches that got a 2xx, for resending (duplicate storms). */
  acceptedBatches: unknown[][];
  /** Stops sending new batches; resolves once every batch in flight was acknowledged (or `timeoutMs` passed). */
  stop(timeoutMs?: number): Promise<{ unacknowledgedBatches: number }>;
}

export interface LoadOptions {
  /** Where to send; asked before every attempt, so a test can move clients off a process it stops. */
  urls: () => string[];
  token: string;
  subjects: readonly string[];
  eventType: string;
  /** Distinguishes the ids of one driver from another's. */
  runId: string;
  batchSize?: number;
  concurrency?: number;
  path?: string;
  /** Pause of each lane after an acknowledged batch (bounds the rate, e.g. for the mock broker's small retention). */
  pauseMs?: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function startLoad(options: LoadOptions): LoadDriver {
  const { urls, token, subjects, eventType, runId, batchSize = 20, concurrency = 4, path = '/api/v1/events', pauseMs = 0 } = options;
  const acknowledged = new Map<string, number>();
  const outcomes = new Map<string, number>();
  const retryAfter: string[] = [];
  const acceptedBatches: unknown[][] = [];
  let sequence = 0;
  let stopping = false;
  let deadline = Number.POSITIVE_INFINITY;
  let unacknowledgedBatches = 0;
  const tally = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);

  /** One attempt; true when acknowledged. */
  const attempt = async (url: string, body: string): Promise<boolean> => {
    try {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents-batch+json' },
        body,
        signal: AbortSignal.timeout(15_000),
      });
      await res.arrayBuffer();
      tally(String(res.status));
      if (res.status === 503) retryAfter.push(res.headers.get('retry-after') ?? '');
      return res.status >= 200 && res.status < 300;
    } catch (error) {
      tally((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name ?? 'error');
      return false;
    }
  };

  const lane = async (lane: number) => {
    while (!stopping) {
      const time = new Date().toISOString();
      const batch = Array.from({ length: batchSize }, () => {
        const n = sequence++;
        return { specversion: '1.0', id: `${runId}-${n}`, source: 'load', type: eventType, subject: subjects[n % subjects.length]!, time, data: { n } };
      });
      const body = JSON.stringify(batch);
      for (let tries = 0; ; tries++) {
        const targets = urls();
        if (targets.length > 0 && (await attempt(targets[(lane + tries) % targets.length]!, body))) break;
        if (Date.now() > deadline) {
          unacknowledgedBatches++;
          return;
        }
        await pause(Math.min(20 * 2 ** tries, 250));
      }
      for (const e of batch) acknowledged.set(e.subject, (acknowledged.get(e.subject) ?? 0) + 1);
      acceptedBatches.push(batch);
      if (pauseMs > 0) await pause(pauseMs);
    }
  };
  const lanes = Array.from({ length: concurrency }, (_, i) => lane(i));
  return {
    acknowledged,
    acknowledgedTotal: () => [...acknowledged.values()].reduce((a, b) => a + b, 0),
    outcomes,
    retryAfter,
    acceptedBatches,
    async stop(timeoutMs = 30_000) {
      stopping = true;
      deadline = Date.now() + timeoutMs;
      await Promise.all(lanes);
      return { unacknowledgedBatches };
    },
  };
}
