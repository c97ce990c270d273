import { after, before } from 'node:test';
import { randomUUID } from 'node:crypto';
import { startKafkaMock, type KafkaMock } from '../../support/kafka-mock.js';
import { startRedis, type TestRedis } from '../../support/redis-server.js';
import { createWorkerHarness } from './worker-harness.js';
import { runWorkerSuite } from './worker-suite.js';

let server: TestRedis;
let kafka: KafkaMock;
before(async () => {
  [server, kafka] = await Promise.all([startRedis(), startKafkaMock()]);
});
after(async () => {
  await kafka.stop();
  await server.stop();
});

// Parking and replay do not touch the log; the Redis Stream suite covers them. The mock
// coordinator waits out a member's session before rebalancing: keep it short.
runWorkerSuite(
  'kafka',
  async () => {
    const topic = `events-${randomUUID()}`;
    await kafka.createTopic(topic, 3);
    return createWorkerHarness(server.url, { KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_TOPIC: topic, TALLY_PUBLISH_TIMEOUT_MS: '3000', KAFKA_SESSION_TIMEOUT_MS: '6000' });
  },
  { parking: false },
);
