import type { Customer } from './customer.js';

/** What a create or a replace-update carries (OpenMeter's CustomerCreate / CustomerReplaceUpdate). */
export type CustomerInput = Omit<Customer, 'id' | 'createdAt' | 'updatedAt' | 'deletedAt' | 'usageAttribution'> & {
  usageAttribution?: Customer['usageAttribution'];
};

export interface CustomerListOptions {
  /** 1-based. */
  page: number;
  pageSize: number;
  /** Include soft-deleted customers (they carry `deletedAt`). */
  includeDeleted?: boolean;
  /** Case-insensitive partial matches, AND-ed (OpenMeter's list filters). */
  filter?: CustomerFilter;
}

export interface CustomerFilter {
  key?: string;
  name?: string;
  primaryEmail?: string;
  /** Matches any of the subject keys. */
  subject?: string;
}

export interface CustomerPage {
  items: Customer[];
  page: number;
  pageSize: number;
  totalCount: number;
}

/**
 * Customers with OpenMeter v1 semantics. A subject key belongs to at most
 * one customer; a customer's key may not equal another customer's key or
 * subject key. Writers call the SubjectsClaimedHook after a create or update.
 */
export interface CustomerStore {
  /** Throws TallyError BAD_REQUEST (invalid) or CONFLICT (key or subject taken). */
  create(input: CustomerInput): Promise<Customer>;
  /** By id (deleted ones too, with `deletedAt`) or by key (live ones only). */
  get(idOrKey: string): Promise<Customer | undefined>;
  /** Ordered by id, i.e. by creation time. */
  list(options: CustomerListOptions): Promise<CustomerPage>;
  /** Replaces every writable field. Throws NOT_FOUND, BAD_REQUEST or CONFLICT. */
  replace(idOrKey: string, input: CustomerInput): Promise<Customer>;
  /** Soft delete: sets `deletedAt` and releases the key and subject keys. Throws NOT_FOUND. */
  delete(idOrKey: string): Promise<void>;
}
