import { withPublishDeadline } from '../publish-deadline.js';

/**
 * Coalesces concurrent publishes into few large sends: kafkajs sends one
 * request per `send`, so one message per send caps throughput at a few
 * thousand per second. Records wait `lingerMs` (or until `maxRecords` are
 * pending); one send is in flight at a time and whatever arrives meanwhile
 * goes out next, which keeps a subject's records in publish order.
 *
 * Each `add` resolves only when every one of its records was acknowledged;
 * if any chunk of the send fails, every caller of that send is rejected
 * (callers retry, the worker dedupes).
 */
export interface SendCoalescer<T> {
  add(items: readonly T[], deadline: number): Promise<void>;
  /** Sends everything pending now and waits until nothing is in flight. */
  flush(): Promise<void>;
}

export interface SendCoalescerOptions<T> {
  /** Sends the items; `deadline` is when the last of their callers gives up (nothing is worth sending after it). */
  send(items: T[], deadline: number): Promise<void>;
  sizeOf(item: T): number;
  lingerMs: number;
  maxRecords: number;
  maxBytes: number;
}

interface Entry<T> {
  items: readonly T[];
  /** Epoch ms after which the caller has given up (and was rejected). */
  deadline: number;
  resolve(): void;
  reject(error: unknown): void;
}

export function createSendCoalescer<T>(options: SendCoalescerOptions<T>): SendCoalescer<T> {
  const { send, sizeOf, lingerMs, maxRecords, maxBytes } = options;
  let pending: Entry<T>[] = [];
  let pendingRecords = 0;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;

  const chunk = (entries: Entry<T>[]): T[][] => {
    const chunks: T[][] = [];
    let current: T[] = [];
    let bytes = 0;
    for (const item of entries.flatMap((entry) => entry.items)) {
      const size = sizeOf(item);
      if (current.length > 0 && (current.length >= maxRecords || bytes + size > maxBytes)) {
        chunks.push(current);
        current = [];
        bytes = 0;
      }
      current.push(item);
      bytes += size;
    }
    if (current.length > 0) chunks.push(current);
    return chunks;
  };

  const sendEntries = async (entries: Entry<T>[]) => {
    // Callers that timed out already got 503: don't send their records.
    const live = entries.filter((entry) => entry.deadline > Date.now());
    if (live.length === 0) return;
    const lastDeadline = Math.max(...live.map((entry) => entry.deadline));
    try {
      for (const items of chunk(live)) {
        await withPublishDeadline(send(items, lastDeadline), Math.max(1, lastDeadline - Date.now()));
      }
      for (const entry of live) entry.resolve();
    } catch (error) {
      for (const entry of live) entry.reject(error);
    }
  };

  const drain = () => {
    clearTimeout(timer);
    timer = undefined;
    if (inFlight || pending.length === 0) return;
    const entries = pending;
    pending = [];
    pendingRecords = 0;
    inFlight = sendEntries(entries).finally(() => {
      inFlight = undefined;
      drain();
    });
  };

  const schedule = () => {
    if (inFlight) return; // drained when the send in flight settles
    if (pendingRecords >= maxRecords) drain();
    else timer ??= setTimeout(drain, lingerMs);
  };

  return {
    add(items, deadline) {
      if (items.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        pending.push({ items, deadline, resolve, reject });
        pendingRecords += items.length;
        schedule();
      });
    },
    async flush() {
      drain();
      while (inFlight) await inFlight;
    },
  };
}
