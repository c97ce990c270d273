import type { EventLog, LogConsumer } from '../../../core/log/event-log.js';

/** Remembers what a test created so the harness can close it all, whatever the test did. */
export function createTracking() {
  const logs: EventLog[] = [];
  const consumers: LogConsumer[] = [];
  return {
    log<T extends EventLog>(log: T): T {
      logs.push(log);
      return log;
    },
    consumer<T extends LogConsumer>(consumer: T): T {
      consumers.push(consumer);
      return consumer;
    },
    async closeAll(): Promise<void> {
      await Promise.allSettled(consumers.map((c) => c.stop()));
      await Promise.allSettled(logs.map((l) => l.close()));
    },
  };
}
