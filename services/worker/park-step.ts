import type { ParkedEvents } from '../../core/parked/parked-events.js';
import { noCustomerMessage, type BatchItem, type BatchStep } from './batch-item.js';
import type { ParkedReplayer } from './parked-replayer.js';

export interface ParkStepDeps {
  parked: ParkedEvents;
  /** subject -> customer straight from Redis, bypassing any cache. */
  resolveFresh: (subject: string) => Promise<string | undefined>;
  replay: ParkedReplayer;
  maxPerSubject: number;
}

/**
 * Parks the items no customer claims. A customer may claim the subject
 * between our lookup and the park, after its replay already ran: so once
 * parked, each subject is looked up again without cache and replayed when
 * it resolves now. Records the per-subject cap pushed out join the batch as
 * `dropped` items, so the feed shows them.
 */
export function createParkStep({ parked, resolveFresh, replay, maxPerSubject }: ParkStepDeps): BatchStep {
  return async (items) => {
    const unresolved = items.filter((item) => item.customerId === undefined && item.outcome === undefined);
    if (unresolved.length === 0) return;
    const dropped = await parked.park(unresolved.map((item) => item.record));
    for (const item of unresolved) item.outcome = 'parked';
    items.push(...dropped.map((record) => droppedItem(record, maxPerSubject)));
    const subjects = [...new Set(unresolved.map((item) => item.record.event.subject))];
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
