export interface SendWholeOptions {
  /** No new attempt starts after this long; the last failure is thrown. */
  budgetMs: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * Runs a kafkajs send, and after a retriable failure runs it again, whole,
 * until it succeeds or `budgetMs` is spent. Not kafkajs's own retries: a
 * retried kafkajs send goes only to the brokers that did not answer the
 * failed attempt, so a partition whose leader moved to a broker that did
 * answer is never sent, and the send resolves all the same — an
 * acknowledged event lost (tests/core/log/kafka/kafka-log-failover.test.ts).
 * The producer therefore runs with `retries: 0`, and every attempt sends
 * every message; what an earlier attempt stored is a duplicate the worker
 * skips. kafkajs refreshes its metadata before it reports the failure, so
 * the next attempt goes to the partitions' new leaders.
 */
export async function sendWhole(send: () => Promise<void>, options: SendWholeOptions): Promise<void> {
  const giveUpAt = Date.now() + options.budgetMs;
  let backoffMs = options.initialBackoffMs ?? 100;
  for (;;) {
    try {
      await send();
      return;
    } catch (error) {
      if (!isRetriableSendError(error) || Date.now() + backoffMs >= giveUpAt) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffMs));
      backoffMs = Math.min(backoffMs * 2, options.maxBackoffMs ?? 1_000);
    }
  }
}

/**
 * With `retries: 0` kafkajs reports a retriable failure as
 * KafkaJSNumberOfRetriesExceeded; a connection that cannot be made is
 * retriable as it is. Anything else (a record too large, a bad request)
 * would fail again.
 */
function isRetriableSendError(error: unknown): boolean {
  const { name, retriable } = (error ?? {}) as { name?: string; retriable?: boolean };
  return name === 'KafkaJSNumberOfRetriesExceeded' || retriable === true;
}
