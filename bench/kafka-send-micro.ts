import { Kafka, logLevel } from 'kafkajs';
import type { CloudEvent, LogRecord } from '../core/events/cloud-event.js';
import { toKafkaMessages } from '../core/log/kafka/kafka-messages.js';
import { createKeyPartitioner } from '../core/log/kafka/key-partitioner.js';
import { startKafkaMock } from '../tests/support/kafka-mock.js';

/**
 * `node --import tsx bench/kafka-send-micro.ts [records per send,...]`:
 * kafkajs alone, as the Kafka log drives it (one send in flight, messages
 * from `toKafkaMessages`, its partitioner, 8 partitions, acks -1), against its own mock
 * cluster. Prints this process's CPU per message and messages/s for each
 * send size, twice (the first round includes warm-up): the floor that
 * kafkajs puts under ingest before any HTTP, parsing or validation.
 */
const sizes = (process.argv[2] ?? '100,250,500,1000').split(',').map(Number);
const perSize = 12_000;
const topic = 'kafka-send-micro';

const mock = await startKafkaMock({ topics: [{ name: topic, partitions: 8 }] });
const kafka = new Kafka({ clientId: 'kafka-send-micro', brokers: mock.brokers, logLevel: logLevel.NOTHING });
const producer = kafka.producer({ idempotent: false, createPartitioner: createKeyPartitioner });
await producer.connect();

const event = (n: number): CloudEvent => ({
  specversion: '1.0',
  id: `micro-${n}`,
  source: 'kong-bench',
  type: 'kong.api_request',
  subject: `cust-${n % 2_000}`,
  time: new Date().toISOString(),
  data: { request_method: 'GET', request_path: '/v1/things', response_http_status: 200, latency_ms: 12, tokens: 1, model: 'model-1' },
});

try {
  for (let round = 1; round <= 2; round++) {
    for (const size of sizes) {
      let n = 0;
      const cpu = process.cpuUsage();
      const started = performance.now();
      while (n < perSize) {
        const ingestedAt = new Date().toISOString();
        const records: LogRecord[] = Array.from({ length: size }, () => ({ namespace: 'default', ingestedAt, event: event(n++) }));
        await producer.send({ topic, acks: -1, messages: toKafkaMessages(records) });
      }
      const used = process.cpuUsage(cpu);
      const perSecond = n / ((performance.now() - started) / 1_000);
      console.log(`round ${round}, ${size} per send: ${((used.user + used.system) / n).toFixed(1)} µs CPU/message, ${Math.round(perSecond)} messages/s`);
    }
  }
} finally {
  await producer.disconnect();
  await mock.stop();
}
