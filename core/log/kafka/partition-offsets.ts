/** The offsets a partition batch covers: from where it was fetched to the offset after its last record. */
export interface BatchRange {
  partition: number;
  from: bigint;
  to: bigint;
  /** The group generation it was fetched in (see `reset`). */
  generation: number;
}

/**
 * Which offsets of each partition may be committed: kafkajs is told to fetch
 * on as soon as a batch is queued, so its own notion of consumed offsets runs
 * ahead of the writes and must never be committed. This tracks the batches
 * in flight per partition and lets the committable offset advance only over
 * the contiguous prefix of batches whose writes are done.
 */
export interface PartitionOffsets {
  /** A batch queued for the handler, in fetch order. */
  track(partition: number, from: bigint, to: bigint): BatchRange;
  /** The handler wrote these batches. */
  handled(ranges: readonly BatchRange[]): void;
  /**
   * The handler failed on these batches: per partition, the first offset not
   * handled, from which it must be delivered again. That partition's later
   * batches are forgotten (they are dropped and fetched again).
   */
  failed(ranges: readonly BatchRange[]): Map<number, bigint>;
  /** Per partition, the offset after the last batch whose writes are done (and every batch before it). */
  committable(): Map<number, bigint>;
  /** `committable()` when it moved since the last time it was taken for a commit, else undefined. */
  takeUncommitted(): Map<number, bigint> | undefined;
  /** A commit of what was taken failed: it is due again. */
  commitFailed(): void;
  /**
   * A new group generation (rebalance, consumer restart): the partitions may be
   * another member's now, and kafkajs fetches from the committed offsets
   * again. What is in flight may still finish, but nothing it handled is
   * committed by this member any more.
   */
  reset(): void;
}

interface Tracked {
  range: BatchRange;
  done: boolean;
}

export function createPartitionOffsets(): PartitionOffsets {
  let generation = 0;
  let inFlight = new Map<number, Tracked[]>();
  let committable = new Map<number, bigint>();
  let uncommitted = false;

  const current = (range: BatchRange) => range.generation === generation;

  return {
    track(partition, from, to) {
      const range = { partition, from, to, generation };
      const queue = inFlight.get(partition) ?? [];
      queue.push({ range, done: false });
      inFlight.set(partition, queue);
      return range;
    },

    handled(ranges) {
      for (const range of ranges) {
        if (!current(range)) continue;
        const queue = inFlight.get(range.partition) ?? [];
        const tracked = queue.find((entry) => entry.range === range);
        if (tracked) tracked.done = true;
        // Only a done prefix moves the offset: a later batch done first waits for the ones before it.
        while (queue[0]?.done) {
          committable.set(range.partition, queue.shift()!.range.to);
          uncommitted = true;
        }
      }
    },

    failed(ranges) {
      const redeliver = new Map<number, bigint>();
      for (const range of ranges) {
        if (!current(range) || redeliver.has(range.partition)) continue;
        const queue = inFlight.get(range.partition) ?? [];
        // The first batch not done: everything before it is committable already.
        redeliver.set(range.partition, queue[0]?.range.from ?? range.from);
        inFlight.delete(range.partition);
      }
      return redeliver;
    },

    committable: () => new Map(committable),

    takeUncommitted() {
      if (!uncommitted || committable.size === 0) return undefined;
      uncommitted = false;
      return new Map(committable);
    },

    commitFailed() {
      uncommitted = true;
    },

    reset() {
      generation++;
      inFlight = new Map();
      committable = new Map();
      uncommitted = false;
    },
  };
}
