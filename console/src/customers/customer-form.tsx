import { useState } from 'preact/hooks';
import type { Customer, CustomerInput } from '../api/types.js';
import { Link, navigate } from '../router.js';
import { useSession } from '../ui/api-context.js';
import { Card, ErrorBanner, PageHeader } from '../ui/page.js';
import { useLoad } from '../ui/use-load.js';
import { parseList, parseMetadata, toFormValues, type CustomerFormValues } from './customer-form-values.js';

const blank: CustomerFormValues = { name: '', key: '', description: '', primaryEmail: '', currency: '', subjectKeys: '', metadata: '' };

/** Create (`id` absent) or edit: PUT replaces every writable field, so the form holds them all. */
export function CustomerForm({ id }: { id?: string }) {
  const { api } = useSession();
  const existing = useLoad(async () => (id ? api.get<Customer>(`/api/v1/customers/${encodeURIComponent(id)}`) : undefined), [id]);
  return (
    <>
      <PageHeader title={id ? `Edit ${existing.data?.name ?? 'customer'}` : 'New customer'} subtitle={<Link to={id ? `/customers/${id}` : '/customers'}>← Back</Link>} />
      <ErrorBanner error={existing.error} />
      {/* Editing starts from the stored customer: no input before it is loaded, so nothing typed is overwritten. */}
      {(!id || existing.data) && <CustomerFields id={id} initial={existing.data ? toFormValues(existing.data) : blank} />}
    </>
  );
}

function CustomerFields({ id, initial }: { id?: string; initial: CustomerFormValues }) {
  const { api } = useSession();
  const [values, setValues] = useState(initial);
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);

  const field = (name: keyof CustomerFormValues) => ({
    name,
    value: values[name],
    onInput: (e: Event) => {
      const value = (e.currentTarget as HTMLInputElement).value;
      setValues((current) => ({ ...current, [name]: value }));
    },
  });

  const submit = async (event: Event) => {
    event.preventDefault();
    const body: CustomerInput = {
      name: values.name.trim(),
      ...(values.key.trim() && { key: values.key.trim() }),
      ...(values.description.trim() && { description: values.description.trim() }),
      ...(values.primaryEmail.trim() && { primaryEmail: values.primaryEmail.trim() }),
      ...(values.currency.trim() && { currency: values.currency.trim().toUpperCase() }),
      metadata: parseMetadata(values.metadata),
      usageAttribution: { subjectKeys: parseList(values.subjectKeys) },
    };
    setBusy(true);
    setError(undefined);
    try {
      const saved = id
        ? await api.send<Customer>('PUT', `/api/v1/customers/${encodeURIComponent(id)}`, body)
        : await api.send<Customer>('POST', '/api/v1/customers', body);
      navigate(`/customers/${saved.id}`);
    } catch (caught) {
      setError(caught as Error);
      setBusy(false);
    }
  };

  return (
    <Card>
      <form class="form" onSubmit={submit}>
        <label class="field">
          <span>Name</span>
          <input required {...field('name')} />
        </label>
        <label class="field">
          <span>Key</span>
          <input {...field('key')} placeholder="your id for this customer; also a subject it claims" />
        </label>
        <label class="field span-2">
          <span>Subject keys</span>
          <textarea rows={3} {...field('subjectKeys')} placeholder="one per line or comma-separated" />
        </label>
        <label class="field">
          <span>Primary email</span>
          <input type="email" {...field('primaryEmail')} />
        </label>
        <label class="field">
          <span>Currency</span>
          <input {...field('currency')} placeholder="USD" maxLength={3} />
        </label>
        <label class="field span-2">
          <span>Description</span>
          <input {...field('description')} />
        </label>
        <label class="field span-2">
          <span>Metadata</span>
          <textarea rows={3} {...field('metadata')} placeholder="key=value, one per line" />
        </label>
        <div class="span-2">
          <ErrorBanner error={error} />
        </div>
        <div class="form-actions span-2">
          <button type="button" onClick={() => navigate(id ? `/customers/${id}` : '/customers')}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {id ? 'Save changes' : 'Create customer'}
          </button>
        </div>
      </form>
    </Card>
  );
}
