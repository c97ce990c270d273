import type { Redis } from 'ioredis';
import { monotonicFactory } from 'ulid';
import { TallyError } from '../../http/tally-error.js';
import type { Customer } from '../customer.js';
import type { CustomerFilter, CustomerInput, CustomerListOptions, CustomerPage, CustomerStore } from '../customer-store.js';
import { validateCustomerInput } from '../customer-validation.js';
import type { SubjectsClaimedHook } from '../subject-resolver.js';
import { customerKeyList, customerKeys } from './customer-keys.js';
import { defineCustomerScripts } from './customer-scripts.js';

export interface RedisCustomerStoreOptions {
  redis: Redis;
  /** `config.redisPrefix`. */
  prefix: string;
  /**
   * Awaited after every successful create or replace with every subject that
   * now resolves to the customer (not only new ones), so that retrying a
   * request whose hook failed re-runs the replay. Must be idempotent.
   */
  onSubjectsClaimed: SubjectsClaimedHook;
  now?: () => Date;
}

const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/i;

const CONFLICTS: Record<string, { field: string; describe: (value: string, holder: string) => string }> = {
  key_taken: { field: 'key', describe: (v, h) => `customer key "${v}" is already used by customer ${h}` },
  key_is_subject: { field: 'key', describe: (v, h) => `customer key "${v}" is already a subject key of customer ${h}` },
  subject_taken: { field: 'usageAttribution.subjectKeys', describe: (v, h) => `subject key "${v}" is already claimed by customer ${h}` },
};

/**
 * Customers in Redis. The key and subject indexes are changed only by Lua
 * scripts that check and claim in one step, so concurrent writers cannot
 * both win a subject. Delete is soft: the customer keeps its id and data
 * with `deletedAt` (meter history stays attributable), while its key and
 * subject keys are released for others to claim.
 */
export function createRedisCustomerStore({ redis, prefix, onSubjectsClaimed, now = () => new Date() }: RedisCustomerStoreOptions): CustomerStore {
  const keys = customerKeys(prefix);
  const keyList = customerKeyList(keys);
  const scripts = defineCustomerScripts(redis);
  const newId = monotonicFactory();

  const get = async (idOrKey: string): Promise<Customer | undefined> => {
    if (ULID.test(idOrKey)) {
      const doc = await redis.hget(keys.docs, idOrKey.toUpperCase());
      if (doc !== null) return JSON.parse(doc) as Customer;
    }
    const id = await redis.hget(keys.keys, idOrKey);
    const doc = id === null ? null : await redis.hget(keys.docs, id);
    return doc === null ? undefined : (JSON.parse(doc) as Customer);
  };

  const readDocs = async (ids: string[]): Promise<Customer[]> => {
    const docs = ids.length === 0 ? [] : await redis.hmget(keys.docs, ...ids);
    return docs.filter((doc): doc is string => doc !== null).map((doc) => JSON.parse(doc) as Customer);
  };

  const getLive = async (idOrKey: string): Promise<Customer> => {
    const customer = await get(idOrKey);
    if (!customer || customer.deletedAt) throw new TallyError('NOT_FOUND', `customer not found: ${idOrKey}`);
    return customer;
  };

  const save = async (mode: 'create' | 'replace', customer: Customer, label: string): Promise<Customer> => {
    const result = await scripts.tallyCustomerSave(
      ...keyList, customer.id, mode, JSON.stringify(customer), customer.key ?? '', ...customer.usageAttribution.subjectKeys,
    );
    const [outcome = '', value = '', holder = ''] = result;
    if (outcome === 'missing') throw new TallyError('NOT_FOUND', `customer not found: ${label}`);
    const conflict = CONFLICTS[outcome];
    if (conflict) {
      const reason = conflict.describe(value, holder);
      throw new TallyError('CONFLICT', reason, { invalidParameters: [{ field: conflict.field, rule: 'unique', reason, source: 'body' }] });
    }
    const claimed = result.slice(1);
    if (claimed.length > 0) await onSubjectsClaimed(customer.id, claimed);
    return customer;
  };

  return {
    get,

    async create(input: CustomerInput): Promise<Customer> {
      const valid = validateCustomerInput(input);
      const at = now();
      const customer = toCustomer(newId(at.getTime()), valid, at.toISOString(), at.toISOString());
      return save('create', customer, customer.id);
    },

    async replace(idOrKey: string, input: CustomerInput): Promise<Customer> {
      const valid = validateCustomerInput(input);
      const current = await getLive(idOrKey);
      return save('replace', toCustomer(current.id, valid, current.createdAt, now().toISOString()), idOrKey);
    },

    async delete(idOrKey: string): Promise<void> {
      const current = await getLive(idOrKey);
      const at = now().toISOString();
      const deleted = await scripts.tallyCustomerDelete(...keyList, current.id, JSON.stringify({ ...current, updatedAt: at, deletedAt: at }));
      if (deleted === 0) throw new TallyError('NOT_FOUND', `customer not found: ${idOrKey}`);
    },

    async list({ page, pageSize, includeDeleted = false, filter }: CustomerListOptions): Promise<CustomerPage> {
      const index = includeDeleted ? keys.all : keys.active;
      const offset = (page - 1) * pageSize;
      const matches = filter ? customerMatcher(filter) : undefined;
      if (matches) {
        // Filtering scans every customer: fine for the thousands a tenant has, and no index to keep in step.
        const all = await readDocs(await redis.zrange(index, '-', '+', 'BYLEX'));
        const found = all.filter(matches);
        return { items: found.slice(offset, offset + pageSize), page, pageSize, totalCount: found.length };
      }
      const replies = await redis.multi().zcard(index).zrange(index, '-', '+', 'BYLEX', 'LIMIT', offset, pageSize).exec();
      const totalCount = Number(replies?.[0]?.[1] ?? 0);
      const items = await readDocs((replies?.[1]?.[1] ?? []) as string[]);
      return { items, page, pageSize, totalCount };
    },
  };
}

function customerMatcher(filter: CustomerFilter): ((customer: Customer) => boolean) | undefined {
  const wanted = Object.entries(filter).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, (v as string).toLowerCase()] as const);
  if (wanted.length === 0) return undefined;
  const has = (value: string | undefined, part: string) => value?.toLowerCase().includes(part) ?? false;
  return (customer) =>
    wanted.every(([field, part]) =>
      field === 'subject' ? customer.usageAttribution.subjectKeys.some((s) => has(s, part)) : has(customer[field as Exclude<keyof CustomerFilter, 'subject'>], part),
    );
}

function toCustomer(id: string, input: CustomerInput, createdAt: string, updatedAt: string): Customer {
  return { id, ...input, usageAttribution: { subjectKeys: input.usageAttribution?.subjectKeys ?? [] }, createdAt, updatedAt };
}
