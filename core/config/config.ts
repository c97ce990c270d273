/**
 * All configuration, parsed and validated once at start from the
 * environment. `loadConfig` collects every problem before failing, so an
 * operator fixes them in one go. Nothing else reads `process.env`.
 */
export interface Config {
  port: number;
  host: string;
  logLevel: string;
  namespace: string;
  redisUrl: string | undefined;
  /** Prefix of every Redis key Tally writes (tests use one per test). */
  redisPrefix: string;
  dataDir: string;
  adminToken: string | undefined;
  /**
   * TALLY_TOKEN_CACHE_MAX_AGE_MS: how long a process may reuse a looked-up
   * token (revocations reach every cache at once over pub/sub; this bounds
   * an entry's age besides). 0 reads Redis on every request.
   */
  tokenCacheMaxAgeMs: number;
  kafka:
    | {
        brokers: string[];
        topic: string;
        clientId: string;
        groupId: string;
        /** A group member silent this long is dropped and its partitions reassigned (heartbeats every tenth of it). */
        sessionTimeoutMs: number;
        /** The worker commits the offsets of applied batches at most this often; a crash redelivers what was not (deduplicated). */
        commitIntervalMs: number;
        /** Records per worker batch, joined from the partition batches fetched meanwhile. */
        batchMaxRecords: number;
        /** Records the worker fetches ahead of its writes before fetching waits. */
        fetchAheadRecords: number;
        /** Worker batches written at once, each over partitions no other one holds. */
        handlerConcurrency: number;
        /**
         * KAFKA_RECORD_FORMAT: what ingest writes. `event`: one record per
         * event (the topic format other consumers may read); `batch`: the
         * events of one publish bound for one partition share a record (a
         * CloudEvents JSON batch). The worker reads both either way.
         */
        recordFormat: KafkaRecordFormat;
      }
    | undefined;
  stream: {
    key: string;
    group: string;
    maxLen: number | undefined;
    /** A pending entry idle this long (its consumer died) is claimed by another consumer. */
    claimIdleMs: number;
  };
  /** Tuning of both log adapters. */
  log: {
    /** How long publish waits for concurrent publishes to share one Kafka send. */
    lingerMs: number;
    /** A coalesced send is flushed at once when it holds this many records. */
    maxBatchRecords: number;
    /** Kafka sends are split so that none exceeds this many bytes of values. */
    maxBatchBytes: number;
    /** Kafka sends in flight at once, each for its own share of the subjects. */
    sendLanes: number;
    /** Kafka fetch `maxWaitTimeInMs` / stream `XREADGROUP BLOCK`. */
    fetchWaitMs: number;
    /** Stream entries read per `XREADGROUP`. */
    readCount: number;
  };
  definitions: {
    /** TALLY_METERS_FILE: YAML or JSON meters applied at start (keyed by slug). */
    metersFile: string | undefined;
    /** How stale the worker's meter and subject caches may be; bounded by a second. */
    cacheMaxAgeMs: number;
  };
  /** The worker's Redis state: dedupe, buckets, parked events, feed. */
  materialize: {
    /** How long a (namespace, source, id) marker is kept; a duplicate within it is skipped. */
    dedupeTtlMs: number;
    /** How long buckets are kept, per granularity. */
    retentionMs: { minute: number; hour: number; day: number };
    /** UNIQUE_COUNT keeps exact sets up to this many values per bucket, then HyperLogLog. */
    uniqueCountExactLimit: number;
    /** Parked events kept per unresolved subject; older ones are dropped (counted, shown in the feed). */
    parkedMaxPerSubject: number;
    /** Parked events of a subject not seen for this long are dropped (counted, shown in the feed). */
    parkedRetentionMs: number;
    /** Records kept in the events feed (and, separately, in its index of records with errors). */
    feedMaxRecords: number;
    /** Events per apply script call; a customer's batch is split into chunks of this size. */
    applyChunkEvents: number;
  };
  /** Bounds on one meter query (beyond them: 400 naming the limit). */
  query: {
    /** TALLY_QUERY_MAX_WINDOWS: windows in one answer. */
    maxWindows: number;
    /** TALLY_QUERY_MAX_BUCKETS: buckets merged for one answer (fine granularities over long ranges). */
    maxBuckets: number;
  };
  limits: {
    maxBodyBytes: number;
    maxEventsPerRequest: number;
    maxJsonDepth: number;
    maxEventBytes: number;
    /** Bound on a publish before the request gets 503. */
    publishTimeoutMs: number;
    /** Bound on reading a request body (slow clients get 408). */
    bodyTimeoutMs: number;
  };
  console: {
    /** TALLY_CONSOLE_DIR: the built console (`make build`), served by the API process at /console. */
    dir: string;
  };
}

export const kafkaRecordFormats = ['event', 'batch'] as const;
export type KafkaRecordFormat = (typeof kafkaRecordFormats)[number];

const DAY_MS = 24 * 3600 * 1000;

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = createReaders(env, problems);
  const redisPrefix = read.string('TALLY_REDIS_PREFIX', 'tally:');
  const brokers = read.list('KAFKA_BROKERS');

  const config: Config = {
    port: read.int('PORT', 8888, 0, 65535),
    host: read.string('HOST', '0.0.0.0'),
    logLevel: read.oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    namespace: read.string('TALLY_NAMESPACE', 'default'),
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix,
    dataDir: read.string('TALLY_DATA_DIR', './var'),
    adminToken: read.token('TALLY_ADMIN_TOKEN'),
    tokenCacheMaxAgeMs: read.int('TALLY_TOKEN_CACHE_MAX_AGE_MS', 60_000, 0, 3_600_000),
    kafka:
      brokers.length > 0
        ? {
            brokers,
            topic: read.string('KAFKA_TOPIC', 'tally-events'),
            clientId: read.string('KAFKA_CLIENT_ID', 'tally'),
            groupId: read.string('KAFKA_GROUP_ID', 'tally-worker'),
            sessionTimeoutMs: read.int('KAFKA_SESSION_TIMEOUT_MS', 30_000, 6_000, 300_000),
            commitIntervalMs: read.int('KAFKA_COMMIT_INTERVAL_MS', 1_000, 0, 60_000),
            batchMaxRecords: read.int('KAFKA_BATCH_MAX_RECORDS', 1_000, 1, 100_000),
            fetchAheadRecords: read.int('KAFKA_FETCH_AHEAD_RECORDS', 5_000, 1, 1_000_000),
            handlerConcurrency: read.int('KAFKA_HANDLER_CONCURRENCY', 2, 1, 64),
            recordFormat: read.oneOf('KAFKA_RECORD_FORMAT', 'event', kafkaRecordFormats),
          }
        : undefined,
    stream: {
      key: read.string('TALLY_STREAM_KEY', `${redisPrefix}events`),
      group: read.string('TALLY_STREAM_GROUP', 'tally-worker'),
      maxLen: read.optionalInt('TALLY_STREAM_MAXLEN', 1),
      claimIdleMs: read.int('TALLY_STREAM_CLAIM_IDLE_MS', 30_000, 1),
    },
    log: {
      lingerMs: read.int('TALLY_LOG_LINGER_MS', 2, 0, 1_000),
      maxBatchRecords: read.int('TALLY_LOG_MAX_BATCH_RECORDS', 1_000, 1),
      maxBatchBytes: read.int('TALLY_LOG_MAX_BATCH_BYTES', 900_000, 1_024),
      sendLanes: read.int('TALLY_LOG_SEND_LANES', 1, 1, 64),
      fetchWaitMs: read.int('TALLY_LOG_FETCH_WAIT_MS', 20, 1, 60_000),
      readCount: read.int('TALLY_LOG_READ_COUNT', 500, 1, 100_000),
    },
    definitions: {
      metersFile: env.TALLY_METERS_FILE?.trim() || undefined,
      cacheMaxAgeMs: read.int('TALLY_CACHE_MAX_AGE_MS', 200, 0, 1000),
    },
    materialize: {
      dedupeTtlMs: read.int('TALLY_DEDUPE_TTL_SECONDS', 24 * 3600, 60) * 1000,
      retentionMs: {
        minute: read.int('TALLY_RETENTION_MINUTE_DAYS', 8, 1, 3660) * DAY_MS,
        hour: read.int('TALLY_RETENTION_HOUR_DAYS', 400, 1, 3660) * DAY_MS,
        day: read.int('TALLY_RETENTION_DAY_DAYS', 1830, 1, 36600) * DAY_MS,
      },
      uniqueCountExactLimit: read.int('TALLY_UNIQUE_COUNT_EXACT_LIMIT', 1_000, 1, 1_000_000),
      parkedMaxPerSubject: read.int('TALLY_PARKED_MAX_PER_SUBJECT', 10_000, 1),
      parkedRetentionMs: read.int('TALLY_PARKED_RETENTION_DAYS', 30, 1, 3660) * DAY_MS,
      feedMaxRecords: read.int('TALLY_FEED_MAX_RECORDS', 100_000, 100),
      applyChunkEvents: read.int('TALLY_APPLY_CHUNK_EVENTS', 100, 1, 10_000),
    },
    query: {
      maxWindows: read.int('TALLY_QUERY_MAX_WINDOWS', 3_000, 1, 1_000_000),
      maxBuckets: read.int('TALLY_QUERY_MAX_BUCKETS', 200_000, 1, 100_000_000),
    },
    limits: {
      maxBodyBytes: read.int('TALLY_MAX_BODY_BYTES', 5 * 1024 * 1024, 1),
      maxEventsPerRequest: read.int('TALLY_MAX_EVENTS_PER_REQUEST', 10_000, 1),
      maxJsonDepth: read.int('TALLY_MAX_JSON_DEPTH', 64, 2),
      maxEventBytes: read.int('TALLY_MAX_EVENT_BYTES', 64 * 1024, 64),
      publishTimeoutMs: read.int('TALLY_PUBLISH_TIMEOUT_MS', 5_000, 1),
      bodyTimeoutMs: read.int('TALLY_BODY_TIMEOUT_MS', 30_000, 1),
    },
    console: {
      // Relative to the working directory, which is the project root for `make run` and `npx tally`.
      dir: read.string('TALLY_CONSOLE_DIR', 'dist/console'),
    },
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function createReaders(env: Env, problems: string[]) {
  const raw = (name: string) => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const parseInt = (name: string, value: string, min: number, max: number) => {
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      problems.push(`${name}: expected an integer in [${min}, ${max}], got "${value}"`);
      return undefined;
    }
    return parsed;
  };
  return {
    string: (name: string, fallback: string) => raw(name) ?? fallback,
    list: (name: string) => (raw(name) ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    int(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
      const value = raw(name);
      return value === undefined ? fallback : (parseInt(name, value, min, max) ?? fallback);
    },
    optionalInt(name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
      const value = raw(name);
      return value === undefined ? undefined : parseInt(name, value, min, max);
    },
    /** A bearer token (RFC 6750 b64token) long enough to resist guessing; never echoed in the problem. */
    token(name: string): string | undefined {
      const value = raw(name);
      if (value === undefined) return undefined;
      if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(value) || value.length < 16) {
        problems.push(`${name}: expected at least 16 characters of A-Z a-z 0-9 - . _ ~ + / (a bearer token)`);
        return undefined;
      }
      return value;
    },
    oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
      const value = raw(name);
      if (value === undefined) return fallback;
      if ((allowed as readonly string[]).includes(value)) return value as T;
      problems.push(`${name}: expected one of ${allowed.join(', ')}, got "${value}"`);
      return fallback;
    },
  };
}
