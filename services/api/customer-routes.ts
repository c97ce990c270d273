import Router from '@koa/router';
import type { RequireScope } from '../../core/auth/scope.js';
import type { CustomerFilter, CustomerInput, CustomerListOptions, CustomerStore } from '../../core/customers/customer-store.js';
import { readJson, type JsonBodyLimits } from '../../core/http/read-json.js';
import { TallyError, type InvalidParameter } from '../../core/http/tally-error.js';

export interface CustomerRoutesDeps {
  customers: CustomerStore;
  requireScope: RequireScope;
  limits: JsonBodyLimits;
}

/**
 * OpenMeter v1 customers: `read` to read, `admin` to write. The store
 * validates bodies and raises 400/404/409; DELETE is a soft delete (204).
 */
export function createCustomerRoutes({ customers, requireScope, limits }: CustomerRoutesDeps): Router {
  const router = new Router({ prefix: '/api/v1/customers' });

  router.get('/', requireScope('read'), async (ctx) => {
    ctx.body = await customers.list(parseListQuery(ctx.query));
  });

  router.post('/', requireScope('admin'), async (ctx) => {
    const body = await readJson(ctx, limits);
    ctx.body = await customers.create(body as CustomerInput);
    ctx.status = 201;
  });

  router.get('/:customerIdOrKey', requireScope('read'), async (ctx) => {
    const customer = await customers.get(ctx.params.customerIdOrKey ?? '');
    if (!customer) throw new TallyError('NOT_FOUND', `customer not found: ${ctx.params.customerIdOrKey}`);
    ctx.body = customer;
  });

  router.put('/:customerIdOrKey', requireScope('admin'), async (ctx) => {
    const body = await readJson(ctx, limits);
    ctx.body = await customers.replace(ctx.params.customerIdOrKey ?? '', body as CustomerInput);
  });

  router.delete('/:customerIdOrKey', requireScope('admin'), async (ctx) => {
    await customers.delete(ctx.params.customerIdOrKey ?? '');
    ctx.status = 204;
  });

  return router;
}

type Query = Record<string, string | string[] | undefined>;

const FILTERS = ['key', 'name', 'primaryEmail', 'subject'] as const;

/**
 * `page` (>= 1, default 1), `pageSize` (1-1000, default 100), `includeDeleted`
 * (true|false), and partial-match filters `key`, `name`, `primaryEmail`, `subject`.
 */
export function parseListQuery(query: Query): CustomerListOptions {
  const problems: InvalidParameter[] = [];
  const integer = (name: string, fallback: number, max: number) => {
    const raw = query[name];
    if (raw === undefined) return fallback;
    const value = Array.isArray(raw) ? Number.NaN : Number(raw);
    if (!Number.isSafeInteger(value) || value < 1 || value > max || raw === '') {
      problems.push({ field: name, rule: 'range', reason: `must be an integer from 1 to ${max}`, source: 'query' });
    }
    return value;
  };
  const page = integer('page', 1, Number.MAX_SAFE_INTEGER);
  const pageSize = integer('pageSize', 100, 1000);
  const includeDeleted = query.includeDeleted;
  if (includeDeleted !== undefined && includeDeleted !== 'true' && includeDeleted !== 'false') {
    problems.push({ field: 'includeDeleted', rule: 'type', reason: 'must be true or false', source: 'query' });
  }
  if (problems.length > 0) {
    const detail = `invalid query: ${problems.map((p) => `${p.field}: ${p.reason}`).join('; ')}`;
    throw new TallyError('BAD_REQUEST', detail, { invalidParameters: problems });
  }
  const filter: CustomerFilter = {};
  for (const name of FILTERS) {
    const value = query[name];
    if (typeof value === 'string' && value !== '') filter[name] = value;
  }
  return { page, pageSize, includeDeleted: includeDeleted === 'true', filter };
}
