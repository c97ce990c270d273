import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventually } from '../../../support/eventually.js';
import { startKafkaMock, type KafkaMock } from '../../../support/kafka-mock.js';
import { createConsumerFixture } from './consumer-fixture.js';

let mock: KafkaMock;
before(async () => {
  mock = await startKafkaMock({ brokers: 1 });
});
after(() => mock.stop());

const FETCH = 1;
// Not retriable for kafkajs: its consumer crashes and, by itself, stays down.
const TOPIC_AUTHORIZATION_FAILED = 29;

test('a crash kafkajs does not restart from: the consumer is restarted and consumes on', async () => {
  const fixture = await createConsumerFixture(mock, 1);
  try {
    const seen: string[] = [];
    const consumer = fixture.consumer({ recoveryDelayMs: { min: 100, max: 400 } });
    await consumer.start(async (records) => void seen.push(...records.map((r) => r.record.event.id)));
    await fixture.publish(0, 'before', 0, 3);
    await eventually(() => assert.equal(seen.length, 3, 'consuming before the crash'), { timeoutMs: 15_000 });
    await eventually(async () => assert.equal(await consumer.lag(), 0, 'committed before the crash'), { timeoutMs: 10_000 });

    await mock.pushRequestErrors(FETCH, [TOPIC_AUTHORIZATION_FAILED]);
    const events = () => fixture.observed.flatMap((observed) => observed.events);
    await eventually(() => assert.ok(events().some((e) => e.type === 'CRASH'), 'the injected error crashed the consumer'), { timeoutMs: 15_000 });
    const crash = events().find((e) => e.type === 'CRASH')!;
    assert.equal(crash.payload.restart, false, 'kafkajs itself would leave it down');

    await fixture.publish(0, 'after', 0, 3);
    await eventually(() => assert.deepEqual(seen.slice(3).sort(), ['after-0', 'after-1', 'after-2'], 'consuming again after the restart, from the committed offset'), { timeoutMs: 20_000 });
    assert.ok(events().filter((e) => e.type === 'GROUP_JOIN').length >= 2, 'it joined its group again');
    await eventually(async () => assert.equal(await consumer.lag(), 0, 'and commits again'), { timeoutMs: 10_000 });
  } finally {
    await fixture.dispose();
  }
});
