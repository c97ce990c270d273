import { useKafkaWorkerHarness } from './kafka-worker-harness.js';
import { runWorkerSuite } from './worker-suite.js';

const kafka = useKafkaWorkerHarness();

// Parking and replay do not touch the log; the Redis Stream suite covers them.
runWorkerSuite('kafka', () => kafka.harness(), { parking: false });
