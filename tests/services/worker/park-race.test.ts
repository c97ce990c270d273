import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { loadConfig } from '../../../core/config/config.js';
import { customerKeys } from '../../../core/customers/redis/customer-keys.js';
import { defineCustomerScripts } from '../../../core/customers/redis/customer-scripts.js';
import { createRedisCustomerStore } from '../../../core/customers/redis/redis-customer-store.js';
import type { SubjectResolver } from '../../../core/customers/subject-resolver.js';
import { createRedisMeterRegistry } from '../../../core/meters/redis/redis-meter-registry.js';
import { createWorker } from '../../../services/worker/create-worker.js';
import { createMaterializeParts } from '../../../services/worker/materialize-parts.js';
import { createWorkerMetrics } from '../../../services/worker/worker-metrics.js';
import { useRedisClient } from '../../support/redis-server.js';
import { usageRecord } from './worker-harness.js';

let redis: Redis;
useRedisClient((client) => (redis = client));

async function setup(prefix: string) {
  const config = loadConfig({ TALLY_REDIS_PREFIX: prefix, TALLY_PARKED_MAX_PER_SUBJECT: '3' });
  const meters = createRedisMeterRegistry({ redis, prefix, cacheMaxAgeMs: 0 });
  await meters.create({ slug: 'calls', aggregation: 'COUNT', eventType: 'kong.llm_request' });
  const parts = createMaterializeParts({ redis, config, meters });
  const customers = createRedisCustomerStore({ redis, prefix, onSubjectsClaimed: async (id, subjects) => void (await parts.replay(id, subjects)) });
  // A resolver that has not yet seen the claim (its cache may be up to TALLY_CACHE_MAX_AGE_MS old).
  const stale: SubjectResolver = { resolve: async () => undefined };
  const keys = customerKeys(prefix);
  const scripts = defineCustomerScripts(redis);
  const metrics = createWorkerMetrics({ registry: new Registry() });
  const worker = createWorker({
    ...parts, meters, metrics, resolver: stale, logger: pino({ level: 'silent' }),
    resolveFresh: async (subject) => (await scripts.tallySubjectResolve(keys.keys, keys.subjects, subject)) ?? undefined,
    parkedMaxPerSubject: config.materialize.parkedMaxPerSubject, parkedRetentionMs: config.materialize.parkedRetentionMs,
  });
  return { config, customers, worker, metrics, parts };
}

test('an event parked just after its subject was claimed (and replayed) is replayed by the worker itself', async () => {
  const { customers, worker, metrics, parts } = await setup('race:');
  const customer = await customers.create({ name: 'Late', usageAttribution: { subjectKeys: ['late'] } });
  const record = usageRecord('late', {});
  await worker.handle([{ record, position: '0' }]);
  assert.equal((await metrics.parked.get()).values[0]?.value, 1, 'parked by the stale lookup');
  assert.deepEqual((await parts.parked.claim('late')).records, [], 'and no longer parked: replayed at once');
  const feed = (await parts.feed.list({ limit: 10 })).records;
  assert.deepEqual(feed.map((r) => r.customerId), [customer.id, undefined], 'the replay record names the customer, after the parked one');
  await worker.handle([{ record, position: '0' }]);
  const replayedAgain = (await parts.feed.list({ limit: 10 })).records.filter((r) => r.customerId === customer.id);
  assert.equal(replayedAgain.length, 1, 'a redelivery of it is a duplicate at replay');
});

test('expired and capped parked events are counted and shown in the feed', async () => {
  const { worker, metrics, parts } = await setup('expiry:');
  await worker.handle(['a', 'b', 'c', 'd', 'e'].map((id) => ({ record: usageRecord('ghost', {}, { id }), position: id })));
  assert.equal((await metrics.parkedDropped.get()).values[0]?.value, 2, 'two pushed out by the cap of 3');
  await redis.zadd('expiry:{parked}:subjects', 1, 'ghost');
  await redis.pexpire('expiry:{p:ghost}:list', 1000);
  assert.equal(await worker.expireParked(), 3);
  const dropped = (await parts.feed.list({ limit: 20, hasErrors: true })).records.filter((r) => r.validationErrors.length === 2);
  assert.deepEqual(dropped.map((r) => r.event.id).sort(), ['a', 'b', 'c', 'd', 'e']);
  assert.match(dropped[0]?.validationErrors[1] ?? '', /^parked event dropped: no customer claimed subject ghost/);
  assert.equal((await metrics.parkedDropped.get()).values[0]?.value, 5);
});
