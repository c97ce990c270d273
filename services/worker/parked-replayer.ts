import type { FeedRecord, FeedStore } from '../../core/feed/feed-record.js';
import type { EvaluateEvent } from '../../core/meters/evaluate-event.js';
import type { MeterRegistry } from '../../core/meters/meter-registry.js';
import type { MeterWriter, WriteItem } from '../../core/meters/meter-writer.js';
import type { ParkedEvents } from '../../core/parked/parked-events.js';

export interface ParkedReplayerDeps {
  parked: ParkedEvents;
  meters: MeterRegistry;
  evaluate: EvaluateEvent;
  writer: MeterWriter;
  feed: FeedStore;
  now?: () => Date;
}

/** Replays subjects' parked events into a customer's meters; resolves with how many were applied. */
export type ParkedReplayer = (customerId: string, subjects: readonly string[]) => Promise<number>;

/**
 * Claim, apply, release, until the subject has nothing parked. Exactly once
 * even when two replays race (the API's hook and a worker that parked just
 * as the claim happened): both may apply the same records, and the writer's
 * dedupe marker lets only one count. Applied records get a feed record that
 * now names the customer.
 */
export function createParkedReplayer({ parked, meters, evaluate, writer, feed, now = () => new Date() }: ParkedReplayerDeps): ParkedReplayer {
  return async (customerId, subjects) => {
    let applied = 0;
    for (const subject of subjects) {
      for (;;) {
        const claim = await parked.claim(subject);
        if (claim.records.length === 0) break;
        const items: WriteItem[] = [];
        const errors: string[][] = [];
        for (const record of claim.records) {
          const evaluation = evaluate(record.event, await meters.forEventType(record.event.type));
          items.push({ record, contributions: evaluation.contributions });
          errors.push(evaluation.errors);
        }
        const flags = (await writer.write(new Map([[customerId, items]]))).get(customerId) ?? [];
        const storedAt = now().toISOString();
        const records: FeedRecord[] = [];
        items.forEach(({ record }, i) => {
          if (!flags[i]) return;
          records.push({ event: record.event, customerId, validationErrors: errors[i] ?? [], ingestedAt: record.ingestedAt, storedAt });
        });
        await feed.append(records);
        await claim.release();
        applied += records.length;
      }
    }
    return applied;
  };
}
