import type { QueryPlan } from './plan-query.js';

export interface PlanCache {
  /** The plan stored under `key`, else `build()`'s, kept for the next query with the same key. */
  get(key: string, build: () => QueryPlan): QueryPlan;
}

/**
 * The last plans made, by everything a plan depends on (range, window size,
 * zone, retention edges). Dashboards ask the same query again and again: a
 * kept plan skips the windows and their parts (and, as the store keeps its
 * reads per plan, the hashes to read). Bounded by the parts it holds, oldest
 * plan out first. Plans are never changed once made, so sharing them is safe.
 */
export function createPlanCache({ maxParts }: { maxParts: number }): PlanCache {
  const plans = new Map<string, QueryPlan>();
  let parts = 0;
  return {
    get(key, build) {
      const kept = plans.get(key);
      if (kept) {
        // Most recently used last, so eviction takes the least recently used.
        plans.delete(key);
        plans.set(key, kept);
        return kept;
      }
      const plan = build();
      if (plan.parts.length > maxParts) return plan;
      parts += plan.parts.length;
      plans.set(key, plan);
      for (const [oldKey, old] of plans) {
        if (parts <= maxParts) break;
        plans.delete(oldKey);
        parts -= old.parts.length;
      }
      return plan;
    },
  };
}
