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
 * Meter definitions in Redis. `get` (every query's meter lookup) and the
 * worker's `forEventType` are served from an in-process index rebuilt
 * whenever the shared version counter moved (checked at most every
 * `cacheMaxAgeMs`), so a query pays no Redis round trip for its meter.
 * This process's own changes drop the index at once; update and delete read
 * the meter they change from Redis, never from the index.
 * Delete is a hard delete: the slug becomes free again, and a meter created
 * later under it gets a new id (so it never inherits the old buckets).
 */
export function createRedisMeterRegistry({ redis, prefix, cacheMaxAgeMs = 200, now = () => new Date() }: RedisMeterRegistryOptions): MeterRegistry {
  const keys = meterKeys(prefix);
  const scripts = defineMeterScripts(redis);
  const watch = createVersionWatch({ redis, key: keys.version, maxAgeMs: cacheMaxAgeMs });
  const newId = monotonicFactory();
  let index: MeterIndex | undefined;
  let rebuilding: Promise<MeterIndex> | undefined;
  // Bumped by this process's own changes: a rebuild that started before one must not be kept.
  let generation = 0;

  const list = async (): Promise<Meter[]> => {
    const docs = await redis.hvals(keys.docs);
    return docs.map((doc) => JSON.parse(doc) as Meter).sort((a, b) => a.id.localeCompare(b.id));
  };

  const read = async (idOrSlug: string): Promise<Meter | undefined> => {
    const doc = await scripts.tallyMeterGet(keys.docs, keys.slugs, idOrSlug);
    return doc === null ? undefined : (JSON.parse(doc) as Meter);
  };

  const mustGet = async (idOrSlug: string): Promise<Meter> => {
    const meter = await read(idOrSlug);
    if (!meter) throw new TallyError('NOT_FOUND', `meter not found: ${idOrSlug}`);
    return meter;
  };

  const rebuild = async (version: string): Promise<MeterIndex> => {
    const started = generation;
    try {
      const built: MeterIndex = { version, byType: new Map(), bySlug: new Map(), byId: new Map() };
      for (const meter of await list()) {
        const meters = built.byType.get(meter.eventType) ?? [];
        meters.push(meter);
        built.byType.set(meter.eventType, meters);
        built.bySlug.set(meter.slug, meter);
        built.byId.set(meter.id, meter);
      }
      // Stamped with the version read before the load: a change racing the
      // load moves the counter again, so the next check rebuilds once more.
      if (generation === started) index = built;
      return built;
    } finally {
      if (generation === started) rebuilding = undefined;
    }
  };

  const current = async (): Promise<MeterIndex> => {
    const version = await watch.version();
    if (index?.version === version) return index;
    rebuilding ??= rebuild(version);
    return rebuilding;
  };

  // After this process's own change: its next read sees it whatever the version watch still says.
  const changed = () => {
    generation++;
    index = undefined;
    rebuilding = undefined;
  };

  return {
    list,

    async get(idOrSlug: string): Promise<Meter | undefined> {
      // As the GET script: a slug first, then an id.
      const { bySlug, byId } = await current();
      // Not in the index: maybe created by another process since the last version check; Redis has the last word.
      return bySlug.get(idOrSlug) ?? byId.get(idOrSlug) ?? (await read(idOrSlug));
    },

    async create(input: MeterInput): Promise<Meter> {
      const valid = validateMeterInput(input);
      const at = now();
      const meter: Meter = { id: newId(at.getTime()), ...valid, groupBy: valid.groupBy ?? {}, createdAt: at.toISOString(), updatedAt: at.toISOString() };
      const holder = await scripts.tallyMeterCreate(keys.docs, keys.slugs, keys.version, meter.id, meter.slug, JSON.stringify(meter));
      changed();
      if (holder !== '') throw new TallyError('CONFLICT', `meter with slug "${meter.slug}" already exists (id ${holder})`);
      return meter;
    },

    async update(idOrSlug: string, update: MeterUpdate): Promise<Meter> {
      const current = await mustGet(idOrSlug);
      const valid = validateMeterUpdate(update, current);
      const meter: Meter = { ...current, ...valid, updatedAt: now().toISOString() };
      const updated = await scripts.tallyMeterUpdate(keys.docs, keys.version, meter.id, JSON.stringify(meter));
      changed();
      if (updated === 0) throw new TallyError('NOT_FOUND', `meter not found: ${idOrSlug}`);
      return meter;
    },

    async delete(idOrSlug: string): Promise<void> {
      const meter = await mustGet(idOrSlug);
      const deleted = await scripts.tallyMeterDelete(keys.docs, keys.slugs, keys.version, meter.id, meter.slug);
      changed();
      if (deleted === 0) throw new TallyError('NOT_FOUND', `meter not found: ${idOrSlug}`);
    },

    async forEventType(eventType: string): Promise<Meter[]> {
      return (await current()).byType.get(eventType) ?? [];
    },
  };
}

interface MeterIndex {
  version: string;
  byType: Map<string, Meter[]>;
  bySlug: Map<string, Meter>;
  byId: Map<string, Meter>;
}
