import type { ApiClient } from './api-client.js';
import type { IngestedEvent } from './types.js';

export interface FeedFilters {
  errorsOnly: boolean;
  subject?: string;
  type?: string;
  customerId?: string;
  /** RFC 3339, on the event time. */
  from?: string;
  to?: string;
}

export const feedLimit = 100;

/**
 * The newest events matching the filters (OpenMeter v1 `GET /api/v1/events`
 * plus Tally's `hasErrors` and `type`). The filters are applied again here so
 * the rows shown always match what the filter bar says.
 */
export async function listEvents(api: ApiClient, filters: FeedFilters): Promise<IngestedEvent[]> {
  const records = await api.get<IngestedEvent[]>('/api/v1/events', {
    limit: feedLimit,
    hasErrors: filters.errorsOnly ? 'true' : undefined,
    subject: filters.subject,
    type: filters.type,
    customerId: filters.customerId ? [filters.customerId] : undefined,
    from: filters.from,
    to: filters.to,
  });
  return records.filter(
    (r) =>
      (!filters.errorsOnly || messagesOf(r).length > 0) &&
      (!filters.type || r.event.type === filters.type) &&
      (!filters.customerId || r.customerId === filters.customerId),
  );
}

/** The validation messages of a record (the API joins them with a newline). */
export function messagesOf(record: Pick<IngestedEvent, 'validationError'>): string[] {
  return (record.validationError ?? '').split('\n').filter((m) => m.trim() !== '');
}

const unattributedPrefix = 'no customer found for event subject: ';

/** The subject named by `no customer found for event subject: X`, if that is the message. */
export function unattributedSubject(message: string): string | undefined {
  return message.startsWith(unattributedPrefix) ? message.slice(unattributedPrefix.length) : undefined;
}
