import type { Redis } from 'ioredis';
import type { Config } from '../../core/config/config.js';
import type { SubjectsClaimedHook } from '../../core/customers/subject-resolver.js';
import type { MeterRegistry } from '../../core/meters/meter-registry.js';
import { createMaterializeParts } from './materialize-parts.js';

/**
 * The customer store's `onSubjectsClaimed`: replays the claimed subjects'
 * parked events into the customer's meters. Idempotent (the writer
 * deduplicates), so a retried customer request simply replays again.
 */
export function createParkedReplayHook({ redis, config, meters }: { redis: Redis; config: Config; meters: MeterRegistry }): SubjectsClaimedHook {
  const { replay } = createMaterializeParts({ redis, config, meters });
  return async (customerId, subjects) => {
    await replay(customerId, subjects);
  };
}
