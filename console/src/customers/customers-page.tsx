import { useState } from 'preact/hooks';
import type { CustomerPage } from '../api/types.js';
import { Link, navigate, setQuery } from '../router.js';
import { useSession } from '../ui/api-context.js';
import { formatTime } from '../ui/format.js';
import { Card, Chips, Empty, ErrorBanner, PageHeader } from '../ui/page.js';
import { useLoad } from '../ui/use-load.js';
import { CustomerDetail } from './customer-detail.js';
import { CustomerForm } from './customer-form.js';

const pageSize = 25;
// The API's partial, case-insensitive list filters.
const searchFields = ['name', 'key', 'subject', 'primaryEmail'] as const;
type SearchField = (typeof searchFields)[number];

/** `/customers`, `/customers/new`, `/customers/:id`, `/customers/:id/edit`. */
export function CustomersPage({ id, mode, query }: { id?: string; mode?: string; query: URLSearchParams }) {
  if (id === 'new') return <CustomerForm />;
  if (id && mode === 'edit') return <CustomerForm id={id} />;
  if (id) return <CustomerDetail id={id} />;
  return <CustomerList query={query} />;
}

function CustomerList({ query }: { query: URLSearchParams }) {
  const { api } = useSession();
  const page = Math.max(1, Number(query.get('page')) || 1);
  const search = query.get('q') ?? '';
  const by = searchFields.find((f) => f === query.get('by')) ?? 'name';
  const [draft, setDraft] = useState(search);
  const [draftBy, setDraftBy] = useState<SearchField>(by);
  const list = useLoad(() => api.get<CustomerPage>('/api/v1/customers', { page, pageSize, [by]: search || undefined }), [page, search, by]);
  const items = list.data?.items ?? [];
  const pages = Math.max(1, Math.ceil((list.data?.totalCount ?? 0) / pageSize));

  return (
    <>
      <PageHeader
        title="Customers"
        subtitle="A subject resolves to the customer whose key equals it, else to the one listing it among its subject keys."
        actions={
          <button type="button" class="primary" onClick={() => navigate('/customers/new')}>
            New customer
          </button>
        }
      />
      <form class="filter-bar" onSubmit={(e) => (e.preventDefault(), setQuery({ q: draft.trim(), by: draftBy === 'name' ? undefined : draftBy, page: undefined }))}>
        <label class="field inline">
          <span>Search by</span>
          <select name="by" value={draftBy} onChange={(e) => setDraftBy(e.currentTarget.value as SearchField)}>
            {searchFields.map((f) => (
              <option key={f} value={f}>
                {f === 'primaryEmail' ? 'email' : f}
              </option>
            ))}
          </select>
        </label>
        <label class="field inline grow">
          <span>Contains</span>
          <input name="q" type="search" placeholder="part of it, any case" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
        </label>
        <button type="submit">Search</button>
      </form>
      <ErrorBanner error={list.error} />
      <Card>
        <table class="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Subject keys</th>
              <th>Email</th>
              <th>Currency</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id} class="clickable" onClick={() => navigate(`/customers/${c.id}`)}>
                <td>
                  <Link to={`/customers/${c.id}`}>{c.name}</Link>
                </td>
                <td class="mono">{c.key ?? ''}</td>
                <td>
                  <Chips values={c.usageAttribution.subjectKeys} />
                </td>
                <td>{c.primaryEmail ?? ''}</td>
                <td>{c.currency ?? ''}</td>
                <td class="nowrap">{formatTime(c.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.length === 0 && !list.loading && <Empty>{search ? 'No customer matches.' : 'No customers yet.'}</Empty>}
        <footer class="table-footer">
          <span class="muted">{list.data?.totalCount ?? 0} customers</span>
          <span class="pager">
            <button type="button" class="small" disabled={page <= 1} onClick={() => setQuery({ page: String(page - 1) })}>
              Previous
            </button>
            <span class="muted">
              Page {page} of {pages}
            </span>
            <button type="button" class="small" disabled={page >= pages} onClick={() => setQuery({ page: String(page + 1) })}>
              Next
            </button>
          </span>
        </footer>
      </Card>
    </>
  );
}
