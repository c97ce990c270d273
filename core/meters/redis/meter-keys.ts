/**
 * Redis keys of the meter definitions. One hash tag for all of them: the
 * set of meters is small and global, and the create/delete scripts touch
 * several of these keys atomically, which Redis Cluster allows only within
 * one slot.
 */
export interface MeterKeys {
  /** Hash: meter id -> Meter JSON. */
  docs: string;
  /** Hash: slug -> meter id. */
  slugs: string;
  /** Counter bumped by every change; caches poll it. */
  version: string;
}

export function meterKeys(prefix: string): MeterKeys {
  const base = `${prefix}{meters}`;
  return { docs: `${base}:docs`, slugs: `${base}:slugs`, version: `${base}:version` };
}
