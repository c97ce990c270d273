import { Kafka, logLevel } from 'kafkajs';
import type { CloudEvent, LogRecord } from '../core/events/cloud-event.js';
import { toBatchMessages } from '../core/log/kafka/batch-messages.js';
import { toKafkaMessages } from '../core/log/kafka/kafka-messages.js';
import { createKeyPartitioner } from '../core/log/kafka/key-partitioner.js';
import { startKafkaMock } from '../tests/support/kafka-mock.js';

/**
 * `node --import tsx bench/kafka-send-micro.ts [events per send,...] [event|batch]`:
 * kafkajs alone, as the Kafka log drives it (one send in flight, messages
 * from `toKafkaMessages` or, for `batch`, `toBatchMessages`, its
 * partitioner, 8 partitions, acks -1), against its own mock cluster. A send
 * holds requests of up to 100 events, each with an ingest time of its own
 * (batch records pack per request and partition, as ingest does). Prints
 * this process's CPU per event, events/s and records per send for each send
 * size, twice (the first round includes warm-up): the floor that kafkajs
 * puts under ingest before any HTTP, parsing or validation.
 */
const sizes = (process.argv[2] ?? '100,250,500,1000').split(',').map(Number);
const format = process.argv[3] ?? 'event';
if (format !== 'event' && format !== 'batch') throw new Error(`record format: event or batch, not "${format}"`);
const partitions = 8;
const requestSize = 100;
// The Debian mock keeps ~12k records per partition; batch records hold ~12 events each.
const perSize = format === 'batch' ? 60_000 : 12_000;
const topic = 'kafka-send-micro';

const mock = await startKafkaMock({ topics: [{ name: topic, partitions }] });
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
      // Made before the clock starts, each with its JSON text as ingest keeps the received one.
      const events = Array.from({ length: perSize + size }, (_, i) => event(i));
      const texts = events.map((e) => JSON.stringify(e));
      let n = 0;
      let sent = 0;
      const cpu = process.cpuUsage();
      const started = performance.now();
      while (n < perSize) {
        const messages = [];
        for (let inSend = 0; inSend < size; inSend += requestSize) {
          const ingestedAt = new Date(Date.now() + n).toISOString();
          const records = Array.from({ length: Math.min(requestSize, size - inSend) }, (): LogRecord => ({ namespace: 'default', ingestedAt, event: events[n]!, json: texts[n++] }));
          messages.push(...(format === 'batch' ? toBatchMessages(records, { partitions, maxRecordBytes: 900_000 }) : toKafkaMessages(records)));
        }
        sent += messages.length;
        await producer.send({ topic, acks: -1, messages });
      }
      const used = process.cpuUsage(cpu);
      const perSecond = n / ((performance.now() - started) / 1_000);
      const perSend = sent / Math.ceil(perSize / size);
      console.log(`round ${round}, ${format}, ${size} events per send (${perSend.toFixed(0)} records): ${((used.user + used.system) / n).toFixed(1)} µs CPU/event, ${Math.round(perSecond)} events/s`);
    }
  }
} finally {
  await producer.disconnect();
  await mock.stop();
}
