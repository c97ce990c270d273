/** What the writer knows was written for one (customer, meter, group). */
export interface GroupState {
  /** Key times (minute, hour, day) whose bucket hash got its expiry. */
  expired: [string, string, string];
}

/**
 * What the meter writer remembers having written, so that repeated work
 * stays in JS: a group's dimensions in the customer's group index and the
 * customer in the meter's customer set (a group is known once one event of
 * it was applied), the expiry of the group's current bucket hashes (a pure
 * function of the key, set once), a dedupe hash's expiry (only extended).
 * Only what an applied event wrote is remembered: a duplicate writes
 * nothing. Writing again is harmless, only slower; forgetting is always
 * safe, so everything is dropped every few minutes and after a failed write,
 * and a Redis that lost data is repaired by the next events.
 */
export function createWriterCaches({ maxEntries = 200_000, maxAgeMs = 5 * 60_000 } = {}) {
  let groups = new Map<string, Map<string, GroupState>>();
  let dedupeExpiries = new Map<string, Map<number, number>>();
  let meterGroups = new WeakMap<object, Map<string, string | Map<string, string>>>();
  let bornAt = Number.NEGATIVE_INFINITY;

  const clear = () => {
    groups = new Map();
    dedupeExpiries = new Map();
    meterGroups = new WeakMap();
  };
  const bounded = <K, V>(map: Map<K, V>) => {
    if (map.size >= maxEntries) map.clear();
    return map;
  };

  return {
    clear,
    expireOld(nowMs: number) {
      if (nowMs - bornAt < maxAgeMs) return;
      clear();
      bornAt = nowMs;
    },
    /** Keyed by customer, then `<meterId>:<gid>`: short keys, no concatenation per lookup. */
    group: (customerId: string, meterGroup: string): GroupState | undefined => groups.get(customerId)?.get(meterGroup),
    rememberGroup(customerId: string, meterGroup: string, keyTimes: readonly string[]) {
      let ofCustomer = groups.get(customerId);
      if (!ofCustomer) {
        ofCustomer = new Map();
        bounded(groups).set(customerId, ofCustomer);
      }
      let state = ofCustomer.get(meterGroup);
      if (!state) {
        state = { expired: ['', '', ''] };
        bounded(ofCustomer).set(meterGroup, state);
      }
      for (let g = 0; g < 3; g++) if (keyTimes[g]) state.expired[g] = keyTimes[g] as string;
    },
    /** expireAt unless what was written for the customer's hour is at most a minute shorter, else 0. */
    dedupeExpiry(customerId: string, hourStart: number, expireAt: number): number {
      const written = dedupeExpiries.get(customerId)?.get(hourStart);
      return written !== undefined && expireAt <= written + 60_000 ? 0 : expireAt;
    },
    rememberDedupeExpiry(customerId: string, hourStart: number, expireAt: number) {
      let ofCustomer = dedupeExpiries.get(customerId);
      if (!ofCustomer) {
        ofCustomer = new Map();
        bounded(dedupeExpiries).set(customerId, ofCustomer);
      }
      bounded(ofCustomer).set(hourStart, Math.max(expireAt, ofCustomer.get(hourStart) ?? 0));
    },
    /**
     * `<meterId>:<gid>` of a meter's dimensions, the gid computed once per
     * distinct values. Keyed by the meter object: a changed definition
     * (groupBy keys) is a new object, so the values alone identify the group.
     */
    meterGroup(meter: { id: string }, dimensions: Record<string, string>, groupId: (dimensions: Record<string, string>) => string): string {
      // The first value (the subject) keys the meter's map; with a groupBy, the rest key a map below it:
      // one value as itself, several length-prefixed so that none can run into the next. A meter object
      // always has the same number of dimensions, so the forms never meet in one map.
      let first = '';
      let rest = '';
      let count = 0;
      for (const name in dimensions) {
        const value = dimensions[name] ?? '';
        if (++count === 1) first = value;
        else if (count === 2) rest = value;
        else rest = `${count === 3 ? `${rest.length}:${rest}` : rest}${value.length}:${value}`;
      }
      let ofMeter = meterGroups.get(meter);
      if (!ofMeter) {
        ofMeter = new Map();
        meterGroups.set(meter, ofMeter);
      }
      let map = ofMeter as Map<string, string>;
      let key = first;
      if (count > 1) {
        let below = ofMeter.get(first) as Map<string, string> | undefined;
        if (!below) bounded(ofMeter).set(first, (below = new Map()));
        map = below;
        key = rest;
      }
      let id = map.get(key);
      if (id === undefined) {
        id = `${meter.id}:${groupId(dimensions)}`;
        bounded(map).set(key, id);
      }
      return id;
    },
  };
}
