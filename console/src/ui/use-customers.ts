import { useMemo } from 'preact/hooks';
import type { Customer, CustomerPage } from '../api/types.js';
import { useSession } from './api-context.js';
import { useLoad, type Loaded } from './use-load.js';

/** Every live customer (for pickers and for naming ids), reloadable after a change. */
export function useCustomers(): Loaded<Customer[]> & { byId: Map<string, Customer> } {
  const { api } = useSession();
  const loaded = useLoad(async () => (await api.get<CustomerPage>('/api/v1/customers', { pageSize: 1000 })).items, []);
  const byId = useMemo(() => new Map((loaded.data ?? []).map((c) => [c.id, c])), [loaded.data]);
  return { ...loaded, byId };
}

export function customerLabel(customer: Customer | undefined, fallbackId?: string): string {
  if (!customer) return fallbackId ?? '';
  return customer.key && customer.key !== customer.name ? `${customer.name} (${customer.key})` : customer.name;
}
