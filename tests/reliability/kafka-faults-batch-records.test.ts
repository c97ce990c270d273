import { describeKafkaFaults } from './kafka-fault-suite.js';

// Batch records change only what ingest publishes: the producer-side faults, over the other format.
describeKafkaFaults({ recordFormat: 'batch', workerFaults: false, summaryName: 'kafka-faults-batch-records' });
