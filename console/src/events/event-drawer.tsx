import { messagesOf, unattributedSubject } from '../api/feed.js';
import type { IngestedEvent } from '../api/types.js';
import { Link } from '../router.js';
import { Drawer } from '../ui/drawer.js';
import { formatTime } from '../ui/format.js';
import { Facts } from '../ui/page.js';

/** One event as it was ingested: what the worker made of it, then the raw CloudEvent. */
export function EventDrawer({ record, customerName, onClose }: { record: IngestedEvent; customerName: string; onClose: () => void }) {
  const messages = messagesOf(record);
  const unattributed = messages.map(unattributedSubject).find((s) => s !== undefined);
  const { event } = record;
  return (
    <Drawer title={`Event ${event.id}`} onClose={onClose}>
      {messages.length > 0 && (
        <div class="banner banner-error">
          <ul class="messages">
            {messages.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
          {unattributed !== undefined && (
            <Link to={`/attribution?subject=${encodeURIComponent(unattributed)}`} class="button primary small">
              Fix attribution for {unattributed}
            </Link>
          )}
        </div>
      )}
      <Facts
        rows={[
          ['Subject', <code>{event.subject}</code>],
          ['Type', <code>{event.type}</code>],
          ['Source', <code>{event.source}</code>],
          ['Event time', formatTime(event.time)],
          ['Ingested', formatTime(record.ingestedAt)],
          ['Stored', formatTime(record.storedAt)],
          ['Customer', record.customerId ? <Link to={`/customers/${record.customerId}`}>{customerName}</Link> : undefined],
        ]}
      />
      <h3>Raw event</h3>
      <pre class="json" data-testid="raw-event">
        {JSON.stringify(event, null, 2)}
      </pre>
    </Drawer>
  );
}
