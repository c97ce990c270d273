import type { Redis } from 'ioredis';
import { createVersionWatch } from '../../redis/version-watch.js';
import type { SubjectResolver } from '../subject-resolver.js';
import { customerKeys } from './customer-keys.js';
import { defineCustomerScripts } from './customer-scripts.js';

export interface RedisSubjectResolverOptions {
  redis: Redis;
  /** `config.redisPrefix`. */
  prefix: string;
  /** How stale an answer may be; every customer write bumps a version this often polled. */
  cacheMaxAgeMs?: number;
  /** Bound on cached subjects; the cache is emptied when it is reached. */
  maxEntries?: number;
}

/**
 * subject -> customer id from the Redis indexes the customer store keeps
 * (key first, then subject keys, in one script). Answers, including "no
 * customer", are cached in process and all dropped as soon as the shared
 * customer version moves, so a write by any process is seen within
 * `cacheMaxAgeMs` (200 ms) plus a round trip.
 */
export function createRedisSubjectResolver({ redis, prefix, cacheMaxAgeMs = 200, maxEntries = 100_000 }: RedisSubjectResolverOptions): Required<SubjectResolver> {
  const keys = customerKeys(prefix);
  const scripts = defineCustomerScripts(redis);
  const watch = createVersionWatch({ redis, key: keys.version, maxAgeMs: cacheMaxAgeMs });
  const cache = new Map<string, string | null>();
  let cacheVersion: string | undefined;

  const currentVersion = async () => {
    const version = await watch.version();
    if (version !== cacheVersion) {
      cache.clear();
      cacheVersion = version;
    }
    return version;
  };
  // Read after the version: the answer is at least as new as the version it is filed under.
  const lookUp = async (subject: string, version: string) => {
    const customerId = await scripts.tallySubjectResolve(keys.keys, keys.subjects, subject);
    if (cacheVersion === version) {
      if (cache.size >= maxEntries) cache.clear();
      cache.set(subject, customerId);
    }
    return customerId ?? undefined;
  };

  return {
    async resolve(subject) {
      const version = await currentVersion();
      const cached = cache.get(subject);
      return cached !== undefined ? (cached ?? undefined) : lookUp(subject, version);
    },
    /** Cached answers without a promise each: a batch's subjects are mostly known. */
    async resolveMany(subjects) {
      const version = await currentVersion();
      const answers: Array<string | undefined> = new Array(subjects.length);
      let misses: Array<Promise<void>> | undefined;
      subjects.forEach((subject, i) => {
        const cached = cache.get(subject);
        if (cached !== undefined) answers[i] = cached ?? undefined;
        else (misses ??= []).push(lookUp(subject, version).then((customerId) => void (answers[i] = customerId)));
      });
      if (misses) await Promise.all(misses);
      return answers;
    },
  };
}
