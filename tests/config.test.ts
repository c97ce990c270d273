import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../core/config/config.js';

test('defaults: port 8888, Redis Stream log, 5 MiB body limit', () => {
  const config = loadConfig({});
  assert.equal(config.port, 8888);
  assert.equal(config.kafka, undefined);
  assert.equal(config.limits.maxBodyBytes, 5 * 1024 * 1024);
  assert.equal(config.stream.maxLen, undefined);
});

test('KAFKA_BROKERS selects the Kafka log', () => {
  const config = loadConfig({ KAFKA_BROKERS: 'a:9092, b:9092', KAFKA_TOPIC: 'usage' });
  assert.deepEqual(config.kafka?.brokers, ['a:9092', 'b:9092']);
  assert.equal(config.kafka?.topic, 'usage');
});

test('every bad value is reported at once', () => {
  assert.throws(
    () => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', TALLY_MAX_BODY_BYTES: '-1' }),
    (error: unknown) => error instanceof ConfigError && error.problems.length === 3,
  );
});

test('definitions: no meters file by default, caches at most 200 ms stale, never above a second', () => {
  assert.deepEqual(loadConfig({}).definitions, { metersFile: undefined, cacheMaxAgeMs: 200 });
  assert.deepEqual(loadConfig({ TALLY_METERS_FILE: 'deploy/meters.yaml', TALLY_CACHE_MAX_AGE_MS: '50' }).definitions, {
    metersFile: 'deploy/meters.yaml',
    cacheMaxAgeMs: 50,
  });
  assert.throws(() => loadConfig({ TALLY_CACHE_MAX_AGE_MS: '5000' }), ConfigError);
});

test('TALLY_ADMIN_TOKEN must be a usable bearer token, and a bad one is not echoed', () => {
  assert.equal(loadConfig({ TALLY_ADMIN_TOKEN: 'tly_0123456789abcdef' }).adminToken, 'tly_0123456789abcdef');
  assert.throws(
    () => loadConfig({ TALLY_ADMIN_TOKEN: 'short secret!' }),
    (error: unknown) => error instanceof ConfigError && !error.message.includes('short secret') && /TALLY_ADMIN_TOKEN/.test(error.message),
  );
});

test('query limits: 3000 windows and 200000 buckets by default, positive integers only', () => {
  assert.deepEqual(loadConfig({}).query, { maxWindows: 3_000, maxBuckets: 200_000 });
  assert.deepEqual(loadConfig({ TALLY_QUERY_MAX_WINDOWS: '100', TALLY_QUERY_MAX_BUCKETS: '5000' }).query, { maxWindows: 100, maxBuckets: 5_000 });
  assert.throws(
    () => loadConfig({ TALLY_QUERY_MAX_WINDOWS: '0', TALLY_QUERY_MAX_BUCKETS: 'many' }),
    (error: unknown) => error instanceof ConfigError && error.problems.length === 2,
  );
});

test('materialize: defaults, and bad values reported', () => {
  const { materialize } = loadConfig({});
  assert.equal(materialize.dedupeTtlMs, 24 * 3600 * 1000);
  assert.deepEqual(materialize.retentionMs, { minute: 8 * 86_400_000, hour: 400 * 86_400_000, day: 1830 * 86_400_000 });
  assert.equal(materialize.uniqueCountExactLimit, 1000);
  assert.equal(loadConfig({ TALLY_DEDUPE_TTL_SECONDS: '3600' }).materialize.dedupeTtlMs, 3_600_000);
  assert.throws(
    () => loadConfig({ TALLY_DEDUPE_TTL_SECONDS: '0', TALLY_RETENTION_MINUTE_DAYS: 'week', TALLY_PARKED_MAX_PER_SUBJECT: '-5' }),
    (error: unknown) => error instanceof ConfigError && error.problems.length === 3,
  );
});

test('KAFKA_RECORD_FORMAT: one record per event by default, batch records on request, nothing else', () => {
  assert.equal(loadConfig({ KAFKA_BROKERS: 'a:9092' }).kafka?.recordFormat, 'event');
  assert.equal(loadConfig({ KAFKA_BROKERS: 'a:9092', KAFKA_RECORD_FORMAT: 'batch' }).kafka?.recordFormat, 'batch');
  assert.throws(
    () => loadConfig({ KAFKA_BROKERS: 'a:9092', KAFKA_RECORD_FORMAT: 'packed' }),
    (error: unknown) => error instanceof ConfigError && /KAFKA_RECORD_FORMAT: expected one of event, batch/.test(error.message),
  );
});
