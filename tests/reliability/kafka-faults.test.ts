import { describeKafkaFaults } from './kafka-fault-suite.js';

describeKafkaFaults({ recordFormat: 'event', workerFaults: true, summaryName: 'kafka-faults' });
