import { useMemo, useRef, useState } from 'preact/hooks';
import { listEvents, messagesOf, unattributedSubject, type FeedFilters } from '../api/feed.js';
import type { Customer, IngestedEvent } from '../api/types.js';
import { Link, setQuery } from '../router.js';
import { useSession } from '../ui/api-context.js';
import { formatTime, timeAgo } from '../ui/format.js';
import { Card, Empty, ErrorBanner, PageHeader } from '../ui/page.js';
import { customerLabel, useCustomers } from '../ui/use-customers.js';
import { useLoad } from '../ui/use-load.js';
import { eventKey, ownerOf, replayedEvents } from '../attribution/unattributed-subjects.js';
import { EventDrawer } from './event-drawer.js';
import { EventFilterBar } from './event-filter-bar.js';

const refreshMs = 2_000;

function filtersOf(query: URLSearchParams): FeedFilters {
  return {
    errorsOnly: query.get('errors') === '1',
    subject: query.get('subject') ?? undefined,
    type: query.get('type') ?? undefined,
    customerId: query.get('customer') ?? undefined,
    from: query.get('from') ?? undefined,
    to: query.get('to') ?? undefined,
  };
}

/** The live tail of the events feed, newest first, with its validation messages. */
export function EventsPage({ query }: { query: URLSearchParams }) {
  const { api } = useSession();
  const filters = filtersOf(query);
  const [live, setLive] = useState(true);
  const [open, setOpen] = useState<IngestedEvent | undefined>();
  const customers = useCustomers();
  const view = query.toString();
  // Each answer remembers the filters it answers, so a filter change is a fresh view, not a burst of arrivals.
  const events = useLoad(async () => ({ view, records: await listEvents(api, filters) }), [view], { refreshMs: live ? refreshMs : undefined });
  const rows = events.data?.records ?? [];
  const replayed = useMemo(() => replayedEvents(rows), [rows]);
  const arrived = useArrivals(events.data);

  return (
    <>
      <PageHeader
        title="Events"
        subtitle="Every processed event, newest first. Rows with validation messages were not (fully) metered."
        actions={
          <>
            <label class="toggle">
              <input type="checkbox" checked={live} onChange={(e) => setLive(e.currentTarget.checked)} />
              <span class={live ? 'live-dot on' : 'live-dot'} /> Live
            </label>
            <button type="button" onClick={events.reload}>
              Refresh
            </button>
          </>
        }
      />
      <EventFilterBar filters={filters} customers={customers.data ?? []} onChange={(values) => setQuery(values)} />
      <ErrorBanner error={events.error} />
      <Card>
        <table class="table events-table" data-view={events.data?.view}>
          <thead>
            <tr>
              <th>Event time</th>
              <th>Subject</th>
              <th>Type</th>
              <th>Customer</th>
              <th>Validation</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((record) => {
              const messages = messagesOf(record);
              return (
                <tr key={rowKey(record)} class={`clickable ${messages.length ? 'row-error' : ''} ${arrived.has(rowKey(record)) ? 'row-new' : ''}`} onClick={() => setOpen(record)}>
                  <td class="nowrap">
                    <div class="mono">{formatTime(record.event.time)}</div>
                    <div class="muted small" title={`ingested ${formatTime(record.ingestedAt)}`}>
                      ingested {timeAgo(record.ingestedAt)}
                    </div>
                  </td>
                  <td class="mono">{record.event.subject}</td>
                  <td class="mono">{record.event.type}</td>
                  <td>{record.customerId ? <Link to={`/customers/${record.customerId}`}>{customerLabel(customers.byId.get(record.customerId), record.customerId)}</Link> : <span class="muted">none</span>}</td>
                  <td>
                    {messages.length === 0 ? (
                      <span class="pill pill-ok">ok</span>
                    ) : (
                      <ul class="messages">
                        {messages.map((m) => (
                          <li key={m}>{m}</li>
                        ))}
                        <ResolvedHint replayed={replayed.has(eventKey(record))} owner={claimedOwner(messages, customers.data ?? [])} />
                      </ul>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {rows.length === 0 && !events.loading && <Empty>No events match these filters{filters.from ? '' : ' in the last 72 hours'}.</Empty>}
        <footer class="table-footer muted">
          {rows.length} event{rows.length === 1 ? '' : 's'} shown{live ? ` · refreshing every ${refreshMs / 1000} s` : ' · paused'}
        </footer>
      </Card>
      {open && <EventDrawer record={open} customerName={customerLabel(customers.byId.get(open.customerId ?? ''), open.customerId)} onClose={() => setOpen(undefined)} />}
    </>
  );
}

/** The customer that claimed the subject of a `no customer found` message since the event was parked. */
function claimedOwner(messages: string[], customers: Customer[]): Customer | undefined {
  const subject = messages.map(unattributedSubject).find((s) => s !== undefined);
  return subject === undefined ? undefined : ownerOf(subject, customers);
}

/** Old errors stay in the feed; say when they no longer hold (the event was replayed, or its subject is claimed now). */
function ResolvedHint({ replayed, owner }: { replayed: boolean; owner: Customer | undefined }) {
  if (!replayed && !owner) return null;
  const text = replayed ? 'replayed since' : `subject claimed by ${customerLabel(owner)} since`;
  return (
    <li>
      <span class="pill pill-ok" title="A newer record of this event, or the subject's customer, supersedes this error">
        {text}
      </span>
    </li>
  );
}

const rowKey = (record: IngestedEvent) => `${record.event.source}/${record.event.id}/${record.storedAt}`;

/** Rows that arrived with the latest refresh (not on the first load of a filter), so the live tail can flash them. */
function useArrivals(answer: { view: string; records: IngestedEvent[] } | undefined): Set<string> {
  const seen = useRef<{ view: string; keys: Set<string> } | undefined>(undefined);
  return useMemo(() => {
    if (!answer) return new Set<string>();
    const { view, records } = answer;
    const keys = new Set(records.map(rowKey));
    const before = seen.current?.view === view ? seen.current.keys : undefined;
    seen.current = { view, keys };
    return before ? new Set([...keys].filter((k) => !before.has(k))) : new Set<string>();
  }, [answer]);
}
