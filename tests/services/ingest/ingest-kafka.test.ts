import { createKafkaLogUnderTest } from './kafka-log-under-test.js';
import { ingestSuite } from './ingest-suite.js';

ingestSuite('kafka', () => createKafkaLogUnderTest());
