import type { Redis } from 'ioredis';
import { monotonicFactory } from 'ulid';
import { TallyError } from '../../http/tally-error.js';
import { createVersionWatch } from '../../redis/version-watch.js';
import type { Meter } from '../meter.js';
import type { MeterInput, MeterRegistry, MeterUpdate } from '../meter-registry.js';
import { validateMeterInput, validateMeterUpdate } from '../meter-validation.js';
import { meterKeys } from './meter-keys.js';
import { defineMeterScripts } from './meter-scripts.js';

export interface RedisMeterRegistryOptions {
  redis: Redis;
  /** `config.redisPrefix`. */
  prefix: string;
  /** How stale `forEventType` may be; other processes' changes show within this. */
  cacheMaxAgeMs?: number;
  now?: () => Date;
}

/**
 * Meter definitions in Redis. Reads for the API go to Redis; the worker's
 * `forEventType` is served from an in-process index rebuilt whenever the
 * shared version counter moved (checked at most every `cacheMaxAgeMs`).
 * Delete is a hard delete: the slug becomes free again, and a meter created
 * later under it gets a new id (so it never inherits the old buckets).
 */
export function createRedisMeterRegistry({ redis, prefix, cacheMaxAgeMs = 200, now = () => new Date() }: RedisMeterRegistryOptions): MeterRegistry {
  const keys = meterKeys(prefix);
  const scripts = defineMeterScripts(redis);
  const watch = createVersionWatch({ redis, key: keys.version, maxAgeMs: cacheMaxAgeMs });
  const newId = monotonicFactory();
  let index: { version: string; byType: Map<string, Meter[]> } | undefined;
  let rebuilding: Promise<Map<string, Meter[]>> | undefined;

  const list = async (): Promise<Meter[]> => {
    const docs = await redis.hvals(keys.docs);
    return docs.map((doc) => JSON.parse(doc) as Meter).sort((a, b) => a.id.localeCompare(b.id));
  };

  const get = async (idOrSlug: string): Promise<Meter | undefined> => {
    const doc = await scripts.tallyMeterGet(keys.docs, keys.slugs, idOrSlug);
    return doc === null ? undefined : (JSON.parse(doc) as Meter);
  };

  const mustGet = async (idOrSlug: string): Promise<Meter> => {
    const meter = await get(idOrSlug);
    if (!meter) throw new TallyError('NOT_FOUND', `meter not found: ${idOrSlug}`);
    return meter;
  };

  const rebuild = async (version: string) => {
    try {
      const byType = new Map<string, Meter[]>();
      for (const meter of await list()) {
        const meters = byType.get(meter.eventType) ?? [];
        meters.push(meter);
        byType.set(meter.eventType, meters);
      }
      // Stamped with the version read before the load: a change racing the
      // load moves the counter again, so the next check rebuilds once more.
      index = { version, byType };
      return byType;
    } finally {
      rebuilding = undefined;
    }
  };

  return {
    list,
    get,

    async create(input: MeterInput): Promise<Meter> {
      const valid = validateMeterInput(input);
      const at = now();
      const meter: Meter = { id: newId(at.getTime()), ...valid, groupBy: valid.groupBy ?? {}, createdAt: at.toISOString(), updatedAt: at.toISOString() };
      const holder = await scripts.tallyMeterCreate(keys.docs, keys.slugs, keys.version, meter.id, meter.slug, JSON.stringify(meter));
      if (holder !== '') throw new TallyError('CONFLICT', `meter with slug "${meter.slug}" already exists (id ${holder})`);
      return meter;
    },

    async update(idOrSlug: string, update: MeterUpdate): Promise<Meter> {
      const current = await mustGet(idOrSlug);
      const valid = validateMeterUpdate(update, current);
      const meter: Meter = { ...current, ...valid, updatedAt: now().toISOString() };
      const updated = await scripts.tallyMeterUpdate(keys.docs, keys.version, meter.id, JSON.stringify(meter));
      if (updated === 0) throw new TallyError('NOT_FOUND', `meter not found: ${idOrSlug}`);
      return meter;
    },

    async delete(idOrSlug: string): Promise<void> {
      const meter = await mustGet(idOrSlug);
      const deleted = await scripts.tallyMeterDelete(keys.docs, keys.slugs, keys.version, meter.id, meter.slug);
      if (deleted === 0) throw new TallyError('NOT_FOUND', `meter not found: ${idOrSlug}`);
    },

    async forEventType(eventType: string): Promise<Meter[]> {
      const version = await watch.version();
      let byType = index?.version === version ? index.byType : undefined;
      if (!byType) {
        rebuilding ??= rebuild(version);
        byType = await rebuilding;
      }
      return byType.get(eventType) ?? [];
    },
  };
}
