import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogRecord } from '../../../core/events/cloud-event.js';
import { eventually } from '../../support/eventually.js';
import { usageRecord, type WorkerHarness } from './worker-harness.js';

/** Worker behaviour that must hold on every log adapter. */
export function runWorkerSuite(name: string, createHarness: () => Promise<WorkerHarness>, { parking = true } = {}): void {
  const withHarness = (title: string, body: (h: WorkerHarness) => Promise<void>) =>
    test(`${name}: ${title}`, async () => {
      const harness = await createHarness();
      try {
        await body(harness);
      } finally {
        await harness.dispose();
      }
    });

  const setup = async (h: WorkerHarness) => {
    await h.meters.create({ slug: 'tokens', aggregation: 'SUM', eventType: 'kong.llm_request', valueProperty: '$.tokens', groupBy: { model: '$.model' } });
    await h.meters.create({ slug: 'calls', aggregation: 'COUNT', eventType: 'kong.llm_request' });
    const acme = await h.customers.create({ name: 'Acme', key: 'acme', usageAttribution: { subjectKeys: ['acme-gw'] } });
    const globex = await h.customers.create({ name: 'Globex', usageAttribution: { subjectKeys: ['globex'] } });
    return { acme: acme.id, globex: globex.id };
  };

  const tokenRecords = (count: number, subjects: readonly string[]) =>
    Array.from({ length: count }, (_, i) => usageRecord(subjects[i % subjects.length] ?? '', { tokens: i % 3 === 0 ? String(i) : i, model: i % 2 ? 'a' : 'b' }));

  withHarness('meters are exact when every event arrives twice; the feed shows each event once with its messages', async (h) => {
    const { acme, globex } = await setup(h);
    const records = tokenRecords(300, ['acme', 'acme-gw', 'globex']);
    const bad = usageRecord('acme', { tokens: 'many' });
    const unknownType = usageRecord('globex', {}, { type: 'kong.api_request' });
    await h.publish([...records, bad, unknownType]);
    const member = await h.startMember('a');
    await h.publish([...records.slice(100), bad]);
    const expected = (subjects: string[]) => records.filter((r) => subjects.includes(r.event.subject)).reduce((sum, r) => sum + Number((r.event.data as { tokens: number }).tokens), 0);
    await eventually(async () => {
      assert.deepEqual(await h.totals('tokens'), { [acme]: expected(['acme', 'acme-gw']), [globex]: expected(['globex']) }, 'token sums');
      assert.deepEqual(await h.totals('calls'), { [acme]: 201, [globex]: 100 }, 'event counts');
      assert.equal((await h.feed()).length, 302, 'one feed record per distinct event');
    });
    const feed = await h.feed();
    assert.deepEqual(feed.find((r) => r.event.id === bad.event.id)?.validationErrors, ['invalid event: value cannot be parsed as float64: many']);
    assert.deepEqual(feed.find((r) => r.event.id === unknownType.event.id)?.validationErrors, ['no meter found for event type: kong.api_request']);
    assert.equal(feed.find((r) => r.event.id === records[0]?.event.id)?.customerId, acme);
    await eventually(async () => {
      const metrics = await member.registry.metrics();
      assert.match(metrics, /^tally_worker_events_materialized_total 302$/m, 'materialized counter');
      assert.match(metrics, /^tally_worker_duplicates_skipped_total 201$/m, 'duplicates counter');
      assert.match(metrics, /^tally_worker_consumer_lag 0$/m, 'no lag once committed');
    });
  });

  withHarness('a worker that dies after its Redis writes and before its commit counts nothing twice', async (h) => {
    const { acme, globex } = await setup(h);
    const records = tokenRecords(400, ['acme', 'globex']);
    let crashes = 0;
    // Everything of the batch is written, then the "process dies" before the offsets/XACK.
    const member = await h.startMember('crashy', (handler) => async (batch) => {
      await handler(batch);
      if (crashes < 3) {
        crashes++;
        throw new Error('killed after the writes');
      }
    });
    await h.publish(records.slice(0, 200));
    await eventually(() => assert.ok(crashes >= 1, 'crashed at least once'));
    await h.publish(records.slice(200));
    await eventually(async () => assert.deepEqual(await h.totals('calls'), { [acme]: 200, [globex]: 200 }, 'exact counts after redelivery'), { timeoutMs: 20_000 });
    // A consumer that joins batches may have written everything before the last crash: wait for it, then count again.
    await eventually(() => assert.equal(crashes, 3, 'every injected crash happened'));
    assert.deepEqual(await h.totals('calls'), { [acme]: 200, [globex]: 200 }, 'still exact after every redelivery');
    await member.stop();
  });

  withHarness('two workers in one group, one joining and one leaving mid-stream: totals stay exact', async (h) => {
    const { acme, globex } = await setup(h);
    const records = tokenRecords(1200, ['acme', 'globex', 'acme-gw']);
    const first = await h.startMember('first');
    await h.publish(records.slice(0, 300));
    const second = await h.startMember('second');
    await h.publish(records.slice(300, 700));
    await first.stop();
    await h.publish(records.slice(700));
    await eventually(async () => assert.deepEqual(await h.totals('calls'), { [acme]: 800, [globex]: 400 }, 'exact counts'), { timeoutMs: 45_000 });
    await second.stop();
  });

  if (!parking) return;

  withHarness('parked events are replayed once when a customer claims the subject; a moved subject bills the new owner', async (h) => {
    const { acme } = await setup(h);
    await h.startMember('a');
    const early = tokenRecords(15, ['initech']);
    await h.publish(early);
    await eventually(async () => {
      const parked = (await h.feed()).filter((r) => r.validationErrors.includes('no customer found for event subject: initech'));
      assert.equal(parked.length, 15, 'every unattributed event is in the feed');
    });
    assert.deepEqual(await h.totals('calls'), {}, 'nothing counted for initech yet');
    const initech = await h.customers.create({ name: 'Initech', usageAttribution: { subjectKeys: ['initech'] } });
    assert.deepEqual(await h.totals('calls'), { [initech.id]: 15 }, 'replayed by the time the create returned');
    await h.customers.replace(initech.id, { name: 'Initech Corp', usageAttribution: { subjectKeys: ['initech'] } });
    assert.deepEqual(await h.totals('calls'), { [initech.id]: 15 }, 'a second claim replays nothing again');

    // The subject moves from Acme to Initech: earlier usage stays with Acme.
    await h.publish(tokenRecords(5, ['acme-gw']));
    await eventually(async () => assert.deepEqual(await h.totals('calls'), { [initech.id]: 15, [acme]: 5 }, 'acme billed first'));
    await h.customers.replace(acme, { name: 'Acme', key: 'acme', usageAttribution: { subjectKeys: [] } });
    await h.customers.replace(initech.id, { name: 'Initech Corp', usageAttribution: { subjectKeys: ['initech', 'acme-gw'] } });
    await h.publish(tokenRecords(7, ['acme-gw']));
    await eventually(async () => assert.deepEqual(await h.totals('calls'), { [initech.id]: 22, [acme]: 5 }, 'the new owner billed after the move'));
  });

  withHarness('the per-subject parking cap drops the oldest events visibly', async (h) => {
    await setup(h);
    await h.startMember('a');
    const cap = h.config.materialize.parkedMaxPerSubject;
    const records: LogRecord[] = tokenRecords(cap + 3, ['nobody']);
    await h.publish(records);
    await eventually(async () => {
      const dropped = (await h.feed()).filter((r) => r.validationErrors.some((m) => m.startsWith('parked event dropped')));
      assert.equal(dropped.length, 3, 'three dropped records shown');
    });
  });
}
