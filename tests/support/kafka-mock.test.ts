import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { eventually } from './eventually.js';
import { startKafkaMock } from './kafka-mock.js';

test('startKafkaMock gives a cluster kafkajs produces to and consumes from in a group', async () => {
  const mock = await startKafkaMock({ brokers: 3, topics: [{ name: 'mock-roundtrip', partitions: 2 }] });
  const kafka = new Kafka({ clientId: 'mock-test', brokers: mock.brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: 'mock-roundtrip-group', maxWaitTimeInMs: 20 });
  try {
    assert.equal(mock.brokers.length, 3);
    await producer.connect();
    await producer.send({
      topic: 'mock-roundtrip',
      acks: -1,
      messages: [
        { key: 'a', value: 'one' },
        { key: 'b', value: 'two' },
      ],
    });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'mock-roundtrip', fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
    await eventually(() => assert.deepEqual(seen.sort(), ['one', 'two']));
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await mock.stop();
  }
});

test('commands are acknowledged, bad ones are refused with the reason', async () => {
  const mock = await startKafkaMock({ brokers: 2 });
  try {
    await mock.createTopic('mock-later', 3);
    await mock.brokerDown(2);
    await mock.brokerUp(2);
    await mock.allDown();
    await mock.allUp();
    await mock.pushRequestErrors(0, [6, 6]);
    await mock.setRtt(1, 5);
    await mock.setCoordinator('some-group', 1);
    await assert.rejects(mock.brokerDown(7), /bad broker id/);
    await assert.rejects(mock.createTopic('mock-zero', 0), /partitions must be >= 1/);
  } finally {
    await mock.stop();
  }
  await assert.rejects(mock.brokerDown(1), /not running/);
});
