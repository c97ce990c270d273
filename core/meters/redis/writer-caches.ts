/**
 * What the meter writer remembers having written, so that repeated work
 * stays in JS: a bucket hash's expiry (a pure function of the key, set once),
 * a dedupe hash's expiry (only ever extended), a group's dimensions in the
 * customer's group index, a customer in a meter's customer set. Only what
 * an applied event wrote is remembered (`remember` after the reply: a
 * duplicate writes nothing). Writing again is harmless, only slower;
 * forgetting is always safe.
 * Entries are dropped every few minutes and after a failed write, so a
 * Redis that lost data is repaired by the next events.
 */
export function createWriterCaches({ maxEntries = 200_000, maxAgeMs = 5 * 60_000 } = {}) {
  let bucketExpiries = new Set<string>();
  let dedupeExpiries = new Map<string, number>();
  let groups = new Set<string>();
  let listings = new Set<string>();
  let groupIds = new Map<string, string>();
  let bornAt = Number.NEGATIVE_INFINITY;

  const clear = () => {
    bucketExpiries = new Set();
    dedupeExpiries = new Map();
    groups = new Set();
    listings = new Set();
    groupIds = new Map();
  };
  const add = (set: Set<string>, key: string) => {
    if (set.size >= maxEntries) set.clear();
    set.add(key);
  };

  return {
    clear,
    expireOld(nowMs: number) {
      if (nowMs - bornAt < maxAgeMs) return;
      clear();
      bornAt = nowMs;
    },
    /** expireAt unless this key's expiry was written, else "". */
    bucketExpiry: (key: string, expireAt: number): number | '' => (bucketExpiries.has(key) ? '' : expireAt),
    rememberBucketExpiry: (key: string) => add(bucketExpiries, key),
    /** expireAt unless what was written for this key is at most a minute shorter, else "". */
    dedupeExpiry(key: string, expireAt: number): number | '' {
      const written = dedupeExpiries.get(key);
      return written !== undefined && expireAt <= written + 60_000 ? '' : expireAt;
    },
    rememberDedupeExpiry(key: string, expireAt: number) {
      if (dedupeExpiries.size >= maxEntries) dedupeExpiries.clear();
      dedupeExpiries.set(key, Math.max(expireAt, dedupeExpiries.get(key) ?? 0));
    },
    knownGroup: (key: string) => groups.has(key),
    rememberGroup: (key: string) => add(groups, key),
    listed: (key: string) => listings.has(key),
    rememberListing: (key: string) => add(listings, key),
    /** The group id of these dimensions, computed once per distinct set of them. */
    groupId(dimensions: Record<string, string>, compute: () => string): string {
      const key = Object.entries(dimensions).flat().join('\u0000');
      let id = groupIds.get(key);
      if (id === undefined) {
        id = compute();
        if (groupIds.size >= maxEntries) groupIds.clear();
        groupIds.set(key, id);
      }
      return id;
    },
  };
}
