import { useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.js';
import { listEvents } from '../api/feed.js';
import type { Customer } from '../api/types.js';
import { Link } from '../router.js';
import { useSession } from '../ui/api-context.js';
import { formatTime } from '../ui/format.js';
import { Card, Empty, ErrorBanner, Notice, PageHeader } from '../ui/page.js';
import { customerLabel, useCustomers } from '../ui/use-customers.js';
import { useLoad } from '../ui/use-load.js';
import { AttachSubjectModal, CreateFromSubjectModal } from './fix-subject-modals.js';
import { ownerOf, stillParked, unattributedSubjects } from './unattributed-subjects.js';

const refreshMs = 3_000;
const maxSubjects = 20;

/** The subjects of the newest errors, each with how many of its events are still parked (one feed read per subject). */
async function loadUnattributed(api: ApiClient) {
  const subjects = unattributedSubjects(await listEvents(api, { errorsOnly: true })).slice(0, maxSubjects);
  return Promise.all(subjects.map(async (s) => ({ ...s, parked: stillParked(await listEvents(api, { errorsOnly: false, subject: s.subject }), s.subject) })));
}

type Fixing = { subject: string; action: 'create' | 'attach' };

/**
 * Subjects the worker could not attribute, from the feed's
 * `no customer found for event subject: X` errors. Claiming a subject
 * (new customer, or a subject key on an existing one) replays its parked
 * events into that customer's meters.
 */
export function AttributionPage({ query }: { query: URLSearchParams }) {
  const { api } = useSession();
  const customers = useCustomers();
  const errors = useLoad(() => loadUnattributed(api), [], { refreshMs });
  const [fixing, setFixing] = useState<Fixing | undefined>();
  const [fixed, setFixed] = useState<string | undefined>();
  const highlighted = query.get('subject') ?? undefined;

  const subjects = errors.data ?? [];
  const open = subjects.filter((s) => s.parked > 0 && !ownerOf(s.subject, customers.data ?? []));
  const claimed = subjects.filter((s) => ownerOf(s.subject, customers.data ?? []));

  const onFixed = (customer: Customer, subject: string) => {
    setFixing(undefined);
    setFixed(`${customerLabel(customer)} now owns subject "${subject}": its parked events are replayed into the customer's meters.`);
    customers.reload();
    errors.reload();
  };

  return (
    <>
      <PageHeader title="Fix attribution" subtitle="Events whose subject no customer claims are parked, not lost. Claim the subject and they are replayed." />
      {fixed && <Notice>{fixed}</Notice>}
      <ErrorBanner error={errors.error ?? customers.error} />
      <Card title="Unattributed subjects">
        <table class="table">
          <thead>
            <tr>
              <th>Subject</th>
              <th class="num">Parked events</th>
              <th>Event types</th>
              <th>Last event</th>
              <th class="right">Fix</th>
            </tr>
          </thead>
          <tbody>
            {open.map((s) => (
              <tr key={s.subject} class={s.subject === highlighted ? 'row-highlight' : undefined} data-subject={s.subject}>
                <td class="mono">{s.subject}</td>
                <td class="num" data-testid="parked-count">
                  {s.parked}
                </td>
                <td class="mono muted">{s.types.join(', ')}</td>
                <td class="nowrap">{formatTime(s.lastSeen)}</td>
                <td class="right nowrap">
                  <button type="button" class="primary small" onClick={() => setFixing({ subject: s.subject, action: 'create' })}>
                    Create customer
                  </button>{' '}
                  <button type="button" class="small" onClick={() => setFixing({ subject: s.subject, action: 'attach' })}>
                    Add to customer…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {open.length === 0 && !errors.loading && <Empty>Every subject in the recent feed belongs to a customer.</Empty>}
      </Card>
      {claimed.length > 0 && (
        <Card title="Claimed since">
          <p class="muted card-note">These subjects have older errors in the feed but belong to a customer now: claiming them replayed their parked events.</p>
          <table class="table">
            <thead>
              <tr>
                <th>Subject</th>
                <th>Customer</th>
                <th class="num">Still parked</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {claimed.map((s) => {
                const owner = ownerOf(s.subject, customers.data ?? [])!;
                return (
                  <tr key={s.subject} data-claimed={s.subject}>
                    <td class="mono">{s.subject}</td>
                    <td>
                      <Link to={`/customers/${owner.id}`}>{customerLabel(owner)}</Link>
                    </td>
                    <td class="num" data-testid="still-parked">
                      {s.parked === 0 ? <span class="pill pill-ok">all replayed</span> : s.parked}
                    </td>
                    <td class="right">
                      <Link to={`/usage?customer=${owner.id}`}>View usage</Link>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </Card>
      )}
      {fixing?.action === 'create' && <CreateFromSubjectModal subject={fixing.subject} onClose={() => setFixing(undefined)} onDone={onFixed} />}
      {fixing?.action === 'attach' && <AttachSubjectModal subject={fixing.subject} customers={customers.data ?? []} onClose={() => setFixing(undefined)} onDone={onFixed} />}
    </>
  );
}
