import type { ParkedEvents } from '../../core/parked/parked-events.js';
import { noCustomerMessage, type BatchItem, type BatchStep } from './batch-item.js';
import type { ParkedReplayer } from './parked-replayer.js';

/**
 * Parks the items no customer claims. Records the per-subject cap pushed
 * out join the batch as `dropped` items, so the feed shows them.
 */
export function createParkStep({ parked, maxPerSubject }: { parked: ParkedEvents; maxPerSubject: number }): BatchStep {
  return async (items) => {
    const unresolved = items.filter((item) => item.customerId === undefined && item.outcome === undefined);
    if (unresolved.length === 0) return;
    const dropped = await parked.park(unresolved.map((item) => item.record));
    for (const item of unresolved) item.outcome = 'parked';
    items.push(...dropped.map((record) => droppedItem(record, maxPerSubject)));
  };
}

/**
 * A customer may claim a subject between our (cached) lookup and the park,
 * after that claim's replay already ran. So once parked (and shown in the
 * feed), each subject is looked up again without cache and replayed into
 * the customer it resolves to now.
 */
export function createRecheckParkedStep({ resolveFresh, replay }: {
  /** subject -> customer straight from Redis, bypassing any cache. */
  resolveFresh: (subject: string) => Promise<string | undefined>;
  replay: ParkedReplayer;
}): BatchStep {
  return async (items) => {
    const subjects = new Set(items.filter((item) => item.outcome === 'parked').map((item) => item.record.event.subject));
    for (const subject of subjects) {
      const customerId = await resolveFresh(subject);
      if (customerId !== undefined) await replay(customerId, [subject]);
    }
  };
}

export function droppedItem(record: BatchItem['record'], maxPerSubject: number | undefined): BatchItem {
  const subject = record.event.subject;
  const reason = maxPerSubject === undefined
    ? `parked event dropped: no customer claimed subject ${subject} within the parking retention`
    : `parked event dropped: more than ${maxPerSubject} events waiting for subject ${subject}`;
  return { record, evaluation: { contributions: [], errors: [noCustomerMessage(subject), reason] }, outcome: 'dropped' };
}
