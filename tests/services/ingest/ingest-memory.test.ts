import { createMemoryEventLog } from '../../support/memory-event-log.js';
import { ingestSuite } from './ingest-suite.js';

ingestSuite('an in-memory log', async () => {
  const log = createMemoryEventLog();
  return {
    log,
    read: async () => log.records,
    takeDown: async () => {
      log.down = true;
    },
    bringUp: async () => {
      log.down = false;
    },
    close: async () => {},
  };
});
