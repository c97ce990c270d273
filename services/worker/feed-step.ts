import type { FeedRecord, FeedStore } from '../../core/feed/feed-record.js';
import { noCustomerMessage, type BatchStep } from './batch-item.js';

/**
 * One feed record per processed event: applied, parked, or dropped by a
 * parking bound. Duplicates get none (their first delivery has one).
 */
export function createFeedStep({ feed, now = () => new Date() }: { feed: FeedStore; now?: () => Date }): BatchStep {
  return async (items) => {
    const storedAt = now().toISOString();
    const records: FeedRecord[] = [];
    for (const { record, customerId, evaluation, outcome } of items) {
      if (outcome === 'duplicate' || outcome === undefined) continue;
      const validationErrors = outcome === 'parked' ? [noCustomerMessage(record.event.subject), ...evaluation.errors] : evaluation.errors;
      const feedRecord: FeedRecord = { event: record.event, validationErrors, ingestedAt: record.ingestedAt, storedAt, eventJson: record.json };
      if (customerId !== undefined) feedRecord.customerId = customerId;
      records.push(feedRecord);
    }
    if (records.length > 0) await feed.append(records);
  };
}
