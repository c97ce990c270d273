import type { LogRecord } from '../../core/events/cloud-event.js';
import { TallyError } from '../../core/http/tally-error.js';
import type { EventLog } from '../../core/log/event-log.js';

/** An in-memory EventLog for unit tests of the HTTP layer; `down` makes every publish fail as the real adapters do. */
export interface MemoryEventLog extends EventLog {
  records: LogRecord[];
  down: boolean;
}

export function createMemoryEventLog(): MemoryEventLog {
  const log: MemoryEventLog = {
    records: [],
    down: false,
    async publish(records) {
      if (log.down) throw new TallyError('UNAVAILABLE', 'log down');
      log.records.push(...structuredClone(records));
    },
    async isReachable() {
      return !log.down;
    },
    async close() {},
  };
  return log;
}
