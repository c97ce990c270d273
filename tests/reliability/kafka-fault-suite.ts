import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../support/eventually.js';
import { startKafkaMock, type KafkaMock } from '../support/kafka-mock.js';
import { createKafkaTopicAudit } from '../support/kafka-topic-audit.js';
import { startLoad, type LoadDriver } from '../support/load-driver.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { createReliabilitySummary, writeDiagnostic } from '../support/reliability-summary.js';
import { startTallyProcess, type TallyProcess } from '../support/tally-process.js';
import { assertCountedExactlyOnce, prepareTenant, type Tenant } from './metered-setup.js';

const adminToken = `tly_kafka_faults_admin_${process.pid}`;
// Kafka error codes (protocol): the broker-side failures a producer must ride out.
const NOT_LEADER_FOR_PARTITION = 6;
const REQUEST_TIMED_OUT = 7;
const PRODUCE = 0;

export interface KafkaFaultSuiteOptions {
  /** The topic format ingest writes (`KAFKA_RECORD_FORMAT`). */
  recordFormat: 'event' | 'batch';
  /** Also the faults of the worker's side (Redis crash, rebalance), which no record format changes. */
  workerFaults: boolean;
  /** The reliability summary this suite writes (README's Reliability section). */
  summaryName: string;
}

/** Faults of the production setup: a real Kafka protocol (librdkafka's mock cluster of 3 brokers) and a Redis that can crash. */
export function describeKafkaFaults({ recordFormat, workerFaults, summaryName }: KafkaFaultSuiteOptions): void {
  const summary = createReliabilitySummary(summaryName);
  const label = (text: string) => (recordFormat === 'event' ? text : `${text}, batch records`);
  const workerTest = workerFaults ? test : undefined;
  describe(`faults over Kafka (${recordFormat} records)`, () => {
    let kafka: KafkaMock;
    let redis: TestRedis;
    let tally: TallyProcess;
    let ingestToken = '';
    const dataDir = mkdtempSync(join(tmpdir(), 'tally-redis-'));
    const prefix = `kf${process.pid}:`;
    const topic = `events-${randomUUID()}`;
    const groupId = `workers-${randomUUID()}`;
    const env = (): Record<string, string> => ({
      REDIS_URL: redis.url,
      TALLY_REDIS_PREFIX: prefix,
      TALLY_ADMIN_TOKEN: adminToken,
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPIC: topic,
      KAFKA_GROUP_ID: groupId,
      TALLY_PUBLISH_TIMEOUT_MS: '1500',
      TALLY_LOG_FETCH_WAIT_MS: '20',
      // A rebalance waits for every member up to the session timeout: keep it short, as the load is bounded by the mock's retention.
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_RECORD_FORMAT: recordFormat,
    });

    /** Load that runs through `fault`, then on until `afterEvents` more are acknowledged; returns the driver, stopped. */
    const underLoad = async (name: string, fault: (driver: LoadDriver) => Promise<void>, afterEvents = 400): Promise<{ tenant: Tenant; driver: LoadDriver }> => {
      const tenant = await prepareTenant(tally.url, adminToken, name, { ingestUrl: tally.url, ingestToken, redisUrl: redis.url, prefix });
      const driver = startLoad({ urls: () => [tally.url], token: ingestToken, subjects: tenant.subjects, eventType: tenant.eventType, runId: `${name}-${process.pid}`, concurrency: 3, pauseMs: 40 });
      await eventually(() => assert.ok(driver.acknowledgedTotal() >= 300, 'load is flowing'), { timeoutMs: 20_000 });
      await fault(driver);
      const recovered = driver.acknowledgedTotal();
      await eventually(() => assert.ok(driver.acknowledgedTotal() >= recovered + afterEvents, 'load flows again'), { timeoutMs: 30_000 });
      const { unacknowledgedBatches } = await driver.stop();
      assert.equal(unacknowledgedBatches, 0, 'every batch was acknowledged in the end');
      return { tenant, driver };
    };
    /**
     * Contracts 1 and 2, checked where each could break: every acknowledged
     * event is in the topic (else the producer acknowledged a loss); the
     * worker's group then commits the whole topic (lag 0, the wait is on that
     * condition, however slow the machine); and then the meters equal the
     * acknowledged events exactly (else the worker committed events it did
     * not apply, or applied one twice).
     */
    const assertAccounted = async (tenant: Tenant, driver: LoadDriver): Promise<number> => {
      const audit = createKafkaTopicAudit(kafka.brokers, topic);
      const entries = await audit.entries();
      const inTopic = new Set(entries.map((entry) => entry.id));
      // A batch record's events are at `<partition>:<offset>#<index>`.
      if (recordFormat === 'batch') assert.ok(entries.some((entry) => entry.position.includes('#')), 'ingest wrote batch records');
      const missing = driver.acceptedBatches.flat().map((event) => (event as { id: string }).id).filter((id) => !inTopic.has(id));
      assert.deepEqual(missing.slice(0, 20), [], `${missing.length} acknowledged events are not in the topic`);
      let lag: Record<number, number> = {};
      await eventually(async () => {
        lag = await audit.groupLag(groupId);
        assert.ok(Object.values(lag).every((n) => n === 0), `the worker's group committed the whole topic: lag ${JSON.stringify(lag)}`);
      }, { timeoutMs: 90_000, intervalMs: 250 });
      // Committed means applied (offsets are committed after the meters are written): no long wait is due here.
      return assertCountedExactlyOnce(redis.url, prefix, tenant, driver, 10_000);
    };
    const status = (driver: LoadDriver) => Object.fromEntries(driver.outcomes);
    const requestCount = (driver: LoadDriver) => [...driver.outcomes.values()].reduce((a, b) => a + b, 0);

    before(async () => {
      [kafka, redis] = await Promise.all([startKafkaMock({ brokers: 3, topics: [{ name: topic, partitions: 3 }] }), startRedis({ dataDir })]);
      tally = await startTallyProcess('all', env());
      await tally.waitForOutput(/"msg":"worker started"/);
      const res = await fetch(`${tally.url}/api/v1/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'gateway', scopes: ['ingest'] }),
      });
      ingestToken = ((await res.json()) as { token: string }).token;
      assert.ok(ingestToken, 'an ingest token');
    });
    after(async () => {
      summary.write();
      // The process's own log, for diagnosing a failed run.
      if (tally) writeDiagnostic(`${summaryName}-tally.log`, `${tally.output.join('\n')}\n`);
      await tally?.stop(5_000);
      await Promise.all([kafka?.stop(), redis?.stop()]);
      rmSync(dataDir, { recursive: true, force: true });
    });

    test('produce requests failing with NOT_LEADER_FOR_PARTITION and REQUEST_TIMED_OUT: every 2xx event counted once', () =>
      summary.track('fault', label('Kafka produce errors injected (NOT_LEADER_FOR_PARTITION, REQUEST_TIMED_OUT)'), async () => {
        const { tenant, driver } = await underLoad('produce-errors', async () => {
          await kafka.pushRequestErrors(PRODUCE, [NOT_LEADER_FOR_PARTITION, REQUEST_TIMED_OUT, NOT_LEADER_FOR_PARTITION, REQUEST_TIMED_OUT, NOT_LEADER_FOR_PARTITION, NOT_LEADER_FOR_PARTITION]);
        });
        const events = await assertAccounted(tenant, driver);
        return { acknowledgedEvents: events, injectedErrors: 6, requests: JSON.stringify(status(driver)) };
      }));

    test('one broker of three down under load, then back: every 2xx event counted once', () =>
      summary.track('fault', label('one Kafka broker of three down under load'), async () => {
        const { tenant, driver } = await underLoad('one-broker-down', async (d) => {
          await kafka.brokerDown(2);
          const requestsBefore = requestCount(d);
          await eventually(() => assert.ok(requestCount(d) >= requestsBefore + 10, 'clients kept sending while the broker was down'), { timeoutMs: 20_000 });
          await kafka.brokerUp(2);
        });
        const events = await assertAccounted(tenant, driver);
        return { acknowledgedEvents: events, requests: JSON.stringify(status(driver)) };
      }));

    test('all brokers down under load: 503 with Retry-After, then recovery; every 2xx event counted once', () =>
      summary.track('fault', label('all Kafka brokers down under load (503 + Retry-After, then recovery)'), async () => {
        const { tenant, driver } = await underLoad('all-brokers-down', async (d) => {
          await kafka.allDown();
          await eventually(() => assert.ok((d.outcomes.get('503') ?? 0) >= 3, 'clients get 503 while the log is down'), { timeoutMs: 20_000 });
          await kafka.allUp();
        });
        assert.ok(driver.retryAfter.length > 0 && driver.retryAfter.every((v) => Number(v) > 0), `Retry-After on every 503: ${driver.retryAfter.slice(0, 5).join(',')}`);
        const events = await assertAccounted(tenant, driver);
        return { acknowledgedEvents: events, responses503: driver.outcomes.get('503') ?? 0, requests: JSON.stringify(status(driver)) };
      }));

    workerTest?.('Redis crashes while the worker runs and comes back: nothing unapplied is committed, every 2xx event counted once', () =>
      summary.track('fault', label('Redis down while the worker runs (crash, restart from its append-only file)'), async () => {
        const { tenant, driver } = await underLoad('redis-down', async (d) => {
          await redis.stop();
          const failures = (d.outcomes.get('503') ?? 0) + (d.outcomes.get('500') ?? 0);
          await eventually(() => assert.ok((d.outcomes.get('503') ?? 0) > failures, 'requests fail while Redis is down'), { timeoutMs: 20_000 });
          await redis.restart();
        });
        assert.equal(driver.outcomes.get('500'), undefined, 'no 500 while Redis was down');
        const events = await assertAccounted(tenant, driver);
        return { acknowledgedEvents: events, responses503: driver.outcomes.get('503') ?? 0 };
      }));

    workerTest?.('a second worker joins and leaves under load (two rebalances): every 2xx event counted once', () =>
      summary.track('fault', label('two workers and a rebalance (a second worker joins, then leaves)'), async () => {
        let second: TallyProcess | undefined;
        const timings: Record<string, number> = {};
        const { tenant, driver } = await underLoad('rebalance', async (d) => {
          let started = Date.now();
          second = await startTallyProcess('worker', env());
          await second.waitForOutput(/"msg":"worker started"/, 60_000);
          timings.joinMs = Date.now() - started;
          const acked = d.acknowledgedTotal();
          await eventually(() => assert.ok(d.acknowledgedTotal() >= acked + 200, 'load flows with two workers'), { timeoutMs: 30_000 });
          started = Date.now();
          const exit = await second.stop(30_000);
          timings.leaveMs = Date.now() - started;
          writeDiagnostic('kafka-faults-worker2.log', `${second.output.join('\n')}\n`);
          assert.equal(exit, 0, 'the second worker leaves cleanly');
        });
        const events = await assertAccounted(tenant, driver);
        return { acknowledgedEvents: events, ...timings };
      }));
  });
}
