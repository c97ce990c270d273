import { createSendCoalescer, type SendCoalescer, type SendCoalescerOptions } from './send-coalescer.js';

export interface SendLanesOptions<T> extends SendCoalescerOptions<T> {
  /** Independent coalescers, each with one send in flight. */
  lanes: number;
  /** The routing key of an item (the subject): equal keys always share a lane. */
  keyOf(item: T): string;
}

/**
 * Several send coalescers side by side, so that a new send can start while
 * others await their acks (a single coalescer leaves the producer idle for
 * a whole round trip per send). An item's lane follows from its key, and
 * each lane keeps one send in flight, so a subject's records still reach
 * the log in publish order. A publish resolves once every lane it touched
 * acknowledged its part, and is rejected if any part failed.
 */
export function createSendLanes<T>({ lanes, keyOf, ...options }: SendLanesOptions<T>): SendCoalescer<T> {
  if (lanes <= 1) return createSendCoalescer(options);
  const coalescers = Array.from({ length: lanes }, () => createSendCoalescer(options));
  const laneOf = (item: T) => fnv1a(keyOf(item)) % lanes;

  return {
    add(items, deadline) {
      const parts = new Map<number, T[]>();
      for (const item of items) {
        const lane = laneOf(item);
        const part = parts.get(lane);
        if (part) part.push(item);
        else parts.set(lane, [item]);
      }
      const sent = [...parts].map(([lane, part]) => coalescers[lane]!.add(part, deadline));
      return sent.length === 1 ? sent[0]! : Promise.all(sent).then(() => undefined);
    },
    async flush() {
      await Promise.all(coalescers.map((coalescer) => coalescer.flush()));
    },
  };
}

/** 32-bit FNV-1a over UTF-16 code units: cheap, and spreads similar subjects well. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
