import type { Customer } from '../api/types.js';
import { Link, navigate } from '../router.js';
import { useSession } from '../ui/api-context.js';
import { formatTime } from '../ui/format.js';
import { Card, Chips, ErrorBanner, Facts, PageHeader } from '../ui/page.js';
import { useLoad } from '../ui/use-load.js';

export function CustomerDetail({ id }: { id: string }) {
  const { api } = useSession();
  const loaded = useLoad(() => api.get<Customer>(`/api/v1/customers/${encodeURIComponent(id)}`), [id]);
  const customer = loaded.data;
  return (
    <>
      <PageHeader
        title={customer?.name ?? 'Customer'}
        subtitle={<Link to="/customers">← All customers</Link>}
        actions={
          customer && (
            <>
              <button type="button" onClick={() => navigate(`/events?customer=${customer.id}`)}>
                Events
              </button>
              <button type="button" onClick={() => navigate(`/usage?customer=${customer.id}`)}>
                Usage
              </button>
              {!customer.deletedAt && (
                <button type="button" class="primary" onClick={() => navigate(`/customers/${customer.id}/edit`)}>
                  Edit
                </button>
              )}
            </>
          )
        }
      />
      <ErrorBanner error={loaded.error} />
      {customer && (
        <div class="grid-2">
          <Card title="Customer">
            <Facts
              rows={[
                ['Name', customer.name],
                ['Key', customer.key && <code>{customer.key}</code>],
                ['ID', <code>{customer.id}</code>],
                ['Description', customer.description],
                ['Primary email', customer.primaryEmail],
                ['Currency', customer.currency],
                ['Created', formatTime(customer.createdAt)],
                ['Updated', formatTime(customer.updatedAt)],
                ...(customer.deletedAt ? [['Deleted', formatTime(customer.deletedAt)] as [string, string]] : []),
              ]}
            />
          </Card>
          <Card title="Usage attribution">
            <p class="muted card-note">Events with these subjects (and with the key, when set) are metered for this customer.</p>
            <Chips values={[...new Set([...(customer.key ? [customer.key] : []), ...customer.usageAttribution.subjectKeys])]} />
            <h3>Metadata</h3>
            <Facts rows={Object.entries(customer.metadata ?? {}).map(([k, v]) => [k, v])} />
            {Object.keys(customer.metadata ?? {}).length === 0 && <p class="muted">No metadata.</p>}
          </Card>
        </div>
      )}
    </>
  );
}
