import { useState } from 'preact/hooks';
import type { Customer } from '../api/types.js';
import { useSession } from '../ui/api-context.js';
import { Modal } from '../ui/drawer.js';
import { ErrorBanner } from '../ui/page.js';
import { customerLabel } from '../ui/use-customers.js';
import { customerForSubject, withSubjectKey } from './unattributed-subjects.js';

interface FixProps {
  subject: string;
  onClose: () => void;
  onDone: (customer: Customer, subject: string) => void;
}

/** Second click of "create a customer for X": the name is prefilled and may be edited. */
export function CreateFromSubjectModal({ subject, onClose, onDone }: FixProps) {
  const { api } = useSession();
  const [name, setName] = useState(subject);
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      onDone(await api.send<Customer>('POST', '/api/v1/customers', customerForSubject(subject, name)), subject);
    } catch (caught) {
      setError(caught as Error);
      setBusy(false);
    }
  };
  return (
    <Modal title={`New customer for "${subject}"`} onClose={onClose}>
      <form onSubmit={submit} class="stack">
        <label class="field">
          <span>Name</span>
          <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <p class="muted">
          Key and subject key: <code>{subject}</code>. Its parked events are replayed into this customer's meters.
        </p>
        <ErrorBanner error={error} />
        <div class="form-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            Create customer
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Second click of "add X to an existing customer": pick the customer. */
export function AttachSubjectModal({ subject, customers, onClose, onDone }: FixProps & { customers: Customer[] }) {
  const { api } = useSession();
  const [search, setSearch] = useState('');
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const needle = search.trim().toLowerCase();
  const shown = customers.filter((c) => !needle || `${c.name} ${c.key ?? ''} ${c.usageAttribution.subjectKeys.join(' ')}`.toLowerCase().includes(needle));

  const attach = async (customer: Customer) => {
    setBusy(true);
    try {
      // Re-read first: PUT replaces the whole customer, and it may have changed since the list was loaded.
      const fresh = await api.get<Customer>(`/api/v1/customers/${encodeURIComponent(customer.id)}`);
      onDone(await api.send<Customer>('PUT', `/api/v1/customers/${encodeURIComponent(customer.id)}`, withSubjectKey(fresh, subject)), subject);
    } catch (caught) {
      setError(caught as Error);
      setBusy(false);
    }
  };
  return (
    <Modal title={`Add "${subject}" to a customer`} onClose={onClose}>
      <div class="stack">
        <input type="search" placeholder="Search customers" value={search} onInput={(e) => setSearch(e.currentTarget.value)} autoFocus />
        <ErrorBanner error={error} />
        <ul class="pick-list">
          {shown.map((c) => (
            <li key={c.id}>
              <button type="button" disabled={busy} onClick={() => attach(c)}>
                <strong>{customerLabel(c)}</strong>
                <span class="muted">{c.usageAttribution.subjectKeys.join(', ') || 'no subject keys'}</span>
              </button>
            </li>
          ))}
        </ul>
        {shown.length === 0 && <p class="muted">No customer matches.</p>}
      </div>
    </Modal>
  );
}
