import Router from '@koa/router';
import type { Context } from 'koa';
import type { RequireScope } from '../../../core/auth/scope.js';
import type { CustomerStore } from '../../../core/customers/customer-store.js';
import { readJson, type JsonBodyLimits } from '../../../core/http/read-json.js';
import { TallyError } from '../../../core/http/tally-error.js';
import type { Meter } from '../../../core/meters/meter.js';
import type { MeterRegistry } from '../../../core/meters/meter-registry.js';
import type { MeterQuery, MeterQueryService } from '../../../core/meters/query/meter-query.js';
import type { ZoneOffsetSource } from '../../../core/meters/query/zone-offsets.js';
import { parseV1Query, v1QueryFromQueryString } from './v1-query-input.js';
import { csvFilename, v1QueryCsv, v1QueryJson } from './v1-query-response.js';
import { parseV3Query } from './v3-query-input.js';
import { v3QueryCsv, v3QueryJson } from './v3-query-response.js';

export interface MeterQueryRoutesDeps {
  meters: MeterRegistry;
  /** For the customer key and name columns of v3 CSV. */
  customers: CustomerStore;
  queries: MeterQueryService;
  /** Offset sources per IANA zone (one formatter per zone, kept). */
  zones: (zone: string) => ZoneOffsetSource | undefined;
  requireScope: RequireScope;
  limits: JsonBodyLimits;
}

/**
 * Meter queries, scope `read`: OpenMeter v1 (`GET` with query parameters or
 * `POST` with a MeterQueryRequest) and v3 (`POST`, Konnect's `/v3/openmeter`
 * and OpenMeter's `/api/v3/openmeter`); JSON, or CSV for `Accept: text/csv`.
 */
export function createMeterQueryRoutes({ meters, customers, queries, zones, requireScope, limits }: MeterQueryRoutesDeps): Router {
  const router = new Router();

  const answerV1 = async (ctx: Context, meter: Meter, query: MeterQuery) => {
    const answer = await queries.query(query);
    if (ctx.accepts('application/json', 'text/csv') === 'text/csv') {
      ctx.type = 'text/csv; charset=utf-8';
      ctx.attachment(csvFilename(meter));
      ctx.body = v1QueryCsv(answer, query.groupBy);
    } else {
      sendJson(ctx, v1QueryJson(answer));
    }
  };

  router.get('/api/v1/meters/:meterIdOrSlug/query', requireScope('read'), async (ctx) => {
    const meter = await meterOrNotFound(meters, ctx.params.meterIdOrSlug);
    const query = parseV1Query(v1QueryFromQueryString(ctx.query), meter, zones);
    await answerV1(ctx, meter, query);
  });

  router.post('/api/v1/meters/:meterIdOrSlug/query', requireScope('read'), async (ctx) => {
    const meter = await meterOrNotFound(meters, ctx.params.meterIdOrSlug);
    const query = parseV1Query(await readJson(ctx, limits), meter, zones);
    await answerV1(ctx, meter, query);
  });

  for (const prefix of ['/v3/openmeter', '/api/v3/openmeter']) {
    router.post(`${prefix}/meters/:meterId/query`, requireScope('read'), async (ctx) => {
      const meter = await meterOrNotFound(meters, ctx.params.meterId);
      const query = parseV3Query(await readJson(ctx, limits), meter, zones);
      const answer = await queries.query(query);
      if (ctx.accepts('application/json', 'text/csv') === 'text/csv') {
        const ids = [...new Set(answer.rows.map((row) => row.dimensions.customer_id).filter((id): id is string => id !== undefined))];
        const found = new Map(await Promise.all(ids.map(async (id) => [id, await customers.get(id)] as const)));
        ctx.type = 'text/csv; charset=utf-8';
        ctx.attachment(csvFilename(meter));
        ctx.body = v3QueryCsv(answer, query.groupBy, found);
      } else {
        sendJson(ctx, v3QueryJson(answer));
      }
    });
  }

  return router;
}

/** An answer already rendered as JSON text (Koa would type a string body as text/plain). */
function sendJson(ctx: Context, json: string): void {
  ctx.type = 'json';
  ctx.body = json;
}

async function meterOrNotFound(meters: MeterRegistry, idOrSlug: string | undefined): Promise<Meter> {
  const meter = idOrSlug ? await meters.get(idOrSlug) : undefined;
  if (!meter) throw new TallyError('NOT_FOUND', `meter not found: ${idOrSlug}`);
  return meter;
}
