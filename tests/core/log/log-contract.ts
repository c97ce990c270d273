import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogRecord } from '../../../core/events/cloud-event.js';
import { TallyError } from '../../../core/http/tally-error.js';
import type { ConsumedRecord, EventLog, LogConsumer } from '../../../core/log/event-log.js';
import { eventually } from '../../support/eventually.js';

/** What both adapters must provide; each test gets fresh servers, topic/stream and group. */
export interface LogHarness {
  publishTimeoutMs: number;
  createLog(): EventLog;
  createConsumer(name: string): LogConsumer;
  /** The log's raw entries as stored: key/subject field, namespace, ingested_at, value. */
  readRaw(): Promise<Array<{ subject: string; namespace: string; ingestedAt: string; value: string }>>;
  /** All brokers down / Redis stopped. */
  outage(): Promise<void>;
  recover(): Promise<void>;
  dispose(): Promise<void>;
}

export function makeRecord(subject: string, n: number, extra: Record<string, unknown> = {}): LogRecord {
  return {
    namespace: 'default',
    ingestedAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, n % 1000)).toISOString(),
    event: {
      specversion: '1.0',
      id: `${subject}-${n}`,
      source: 'contract-test',
      type: 'request',
      subject,
      time: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, n % 1000)).toISOString(),
      data: { n, route: '/v1/things', tokens: '12' },
      ...extra,
    },
  };
}

/** Starts `consumer` collecting everything it is handed. */
export async function collect(consumer: LogConsumer): Promise<ConsumedRecord[]> {
  const seen: ConsumedRecord[] = [];
  await consumer.start(async (batch) => void seen.push(...batch));
  return seen;
}

const ids = (records: readonly ConsumedRecord[]) => records.map((r) => r.record.event.id);

export function runLogContract(name: string, setup: () => Promise<LogHarness>): void {
  const withHarness = (title: string, body: (h: LogHarness) => Promise<void>) =>
    test(`${name}: ${title}`, async () => {
      const harness = await setup();
      try {
        await body(harness);
      } finally {
        await harness.dispose();
      }
    });

  withHarness('round trip is exact: payload, key = subject, namespace and ingest time', async (h) => {
    const log = h.createLog();
    const sent = [
      makeRecord('customer-1', 1),
      makeRecord('consumer:7f3a', 2, { data: null, datacontenttype: 'application/json', myext: 'x' }),
    ];
    await log.publish(sent);
    const consumer = h.createConsumer('c1');
    const seen = await collect(consumer);
    await eventually(() => assert.equal(seen.length, 2));
    // A consumed record also carries its event's text (reused by the feed): it must be that event's JSON.
    for (const { record } of seen) assert.deepEqual(JSON.parse(record.json ?? 'null'), record.event, 'the text is the event');
    assert.deepEqual(
      seen.map(({ record: { json: _text, ...record } }) => record).sort((a, b) => a.event.id.localeCompare(b.event.id)),
      [...sent].sort((a, b) => a.event.id.localeCompare(b.event.id)),
    );
    const raw = await h.readRaw();
    assert.deepEqual(
      raw.map((r) => ({ ...r, value: JSON.parse(r.value) })).sort((a, b) => a.subject.localeCompare(b.subject)),
      sent
        .map((r) => ({ subject: r.event.subject, namespace: r.namespace, ingestedAt: r.ingestedAt, value: r.event }))
        .sort((a, b) => a.subject.localeCompare(b.subject)),
    );
    await consumer.stop();
    await log.close();
  });

  withHarness('a subject\'s events arrive in publish order', async (h) => {
    const log = h.createLog();
    for (let n = 0; n < 20; n++) await log.publish([makeRecord('a', n), makeRecord('b', n)]);
    await log.publish(Array.from({ length: 30 }, (_, i) => makeRecord(i % 2 ? 'a' : 'b', 100 + i)));
    const seen = await collect(h.createConsumer('c1'));
    await eventually(() => assert.equal(seen.length, 70));
    for (const subject of ['a', 'b']) {
      const order = seen.filter((c) => c.record.event.subject === subject).map((c) => Number(c.record.event.data?.n));
      assert.deepEqual(order, [...order].sort((x, y) => x - y), `order of ${subject}`);
    }
    await log.close();
  });

  withHarness('a rejecting handler commits nothing and gets the records again', async (h) => {
    const log = h.createLog();
    await log.publish([makeRecord('s', 1), makeRecord('s', 2), makeRecord('s', 3)]);
    const failing = h.createConsumer('failing');
    let attempts = 0;
    await failing.start(async () => {
      attempts++;
      throw new Error('materialization failed');
    });
    await eventually(() => assert.ok(attempts >= 2, 'delivered again after a failure'));
    await failing.stop();
    assert.equal(await h.createConsumer('probe').lag(), 3);

    const delivered: string[] = [];
    let failuresLeft = 1;
    const recovering = h.createConsumer('recovering');
    await recovering.start(async (batch) => {
      if (failuresLeft-- > 0) throw new Error('transient');
      delivered.push(...ids(batch));
    });
    await eventually(() => assert.deepEqual([...delivered].sort(), ['s-1', 's-2', 's-3']));
    await eventually(async () => assert.equal(await recovering.lag(), 0));
    await recovering.stop();
    await log.close();
  });

  withHarness('a second group member continues from the committed position', async (h) => {
    const log = h.createLog();
    await log.publish([1, 2, 3].map((n) => makeRecord('s', n)));
    const first = h.createConsumer('first');
    const firstSeen = await collect(first);
    await eventually(async () => {
      assert.equal(firstSeen.length, 3);
      assert.equal(await first.lag(), 0);
    });
    await first.stop();
    await log.publish([4, 5].map((n) => makeRecord('s', n)));
    const second = h.createConsumer('second');
    const secondSeen = await collect(second);
    await eventually(() => assert.deepEqual(ids(secondSeen), ['s-4', 's-5']));
    await second.stop();
    await log.close();
  });

  withHarness('log down: publish rejects UNAVAILABLE in bound, works again after recovery', async (h) => {
    const log = h.createLog();
    await log.publish([makeRecord('s', 0)]);
    await h.outage();
    const watchdog = h.publishTimeoutMs + 4_000;
    const outcome = await Promise.race([
      log.publish([makeRecord('s', 1)]).then(
        () => 'resolved',
        (error: unknown) => error,
      ),
      new Promise((resolve) => setTimeout(() => resolve('hung'), watchdog).unref()),
    ]);
    assert.ok(outcome instanceof TallyError, `expected a TallyError, got ${String(outcome)}`);
    assert.equal(outcome.code, 'UNAVAILABLE');
    assert.equal(outcome.retriable, true);
    assert.equal(await log.isReachable(), false);

    await h.recover();
    await eventually(async () => assert.equal(await log.isReachable(), true), { timeoutMs: 20_000 });
    await eventually(() => log.publish([makeRecord('s', 2)]), { timeoutMs: 20_000, intervalMs: 200 });
    const seen = await collect(h.createConsumer('after'));
    await eventually(() => assert.ok(ids(seen).includes('s-2'), 's-2 delivered'));
    await log.close();
  });

  withHarness('concurrent publishes are all acknowledged and all arrive', async (h) => {
    const log = h.createLog();
    const calls = Array.from({ length: 100 }, (_, call) =>
      log.publish(Array.from({ length: 5 }, (_, i) => makeRecord(`sub-${call % 7}`, call * 5 + i))),
    );
    await Promise.all(calls);
    const seen = await collect(h.createConsumer('c1'));
    await eventually(() => assert.equal(new Set(ids(seen)).size, 500));
    await log.close();
  });
}
