import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import { startKafkaMock, type KafkaMock } from '../../support/kafka-mock.js';
import { startRedis, type TestRedis } from '../../support/redis-server.js';
import { createWorkerHarness, type WorkerHarness } from './worker-harness.js';

/**
 * One redis-server and one Kafka mock for a test file; each `harness()` call
 * gets a fresh 3-partition topic and group on them. The mock coordinator
 * waits out a member's session before rebalancing: keep it short.
 */
export function useKafkaWorkerHarness(): { harness(): Promise<WorkerHarness>; brokers(): string[] } {
  let server: TestRedis | undefined;
  let kafka: KafkaMock | undefined;
  before(async () => {
    [server, kafka] = await Promise.all([startRedis(), startKafkaMock()]);
  });
  after(async () => {
    await kafka?.stop();
    await server?.stop();
  });
  const started = () => {
    if (!server || !kafka) throw new Error('useKafkaWorkerHarness: servers are only up inside the tests');
    return { server, kafka };
  };
  return {
    async harness() {
      const { server, kafka } = started();
      const topic = `events-${randomUUID()}`;
      await kafka.createTopic(topic, 3);
      return createWorkerHarness(server.url, { KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_TOPIC: topic, TALLY_PUBLISH_TIMEOUT_MS: '3000', KAFKA_SESSION_TIMEOUT_MS: '6000' });
    },
    brokers: () => started().kafka.brokers,
  };
}
