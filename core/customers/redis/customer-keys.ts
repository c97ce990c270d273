/**
 * Redis keys of the customer index. They share one hash tag: a create or
 * update checks and moves subject claims across several of them in one
 * atomic script, which Redis Cluster allows only within one slot. (Per-
 * customer data such as meters uses `{c:<id>}` instead.) The materialize
 * side may read `keys` and `subjects` from its own scripts to resolve a
 * subject atomically with parking.
 */
export interface CustomerKeys {
  /** Hash: customer id -> Customer JSON (deleted ones keep `deletedAt`). */
  docs: string;
  /** Hash: customer key -> id (live customers only). */
  keys: string;
  /** Hash: subject key -> id (live customers only). */
  subjects: string;
  /** Sorted set of live customer ids (score 0, ordered by id). */
  active: string;
  /** Sorted set of every customer id ever created, deleted ones included. */
  all: string;
  /** Counter bumped by every change; resolver caches poll it. */
  version: string;
}

export function customerKeys(prefix: string): CustomerKeys {
  const base = `${prefix}{customers}`;
  return {
    docs: `${base}:docs`,
    keys: `${base}:keys`,
    subjects: `${base}:subjects`,
    active: `${base}:active`,
    all: `${base}:all`,
    version: `${base}:version`,
  };
}

/** The key order every customer script expects. */
export function customerKeyList(keys: CustomerKeys): string[] {
  return [keys.docs, keys.keys, keys.subjects, keys.active, keys.all, keys.version];
}
