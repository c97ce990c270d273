import Router from '@koa/router';
import type { RequireScope } from '../../core/auth/scope.js';
import { readJson, type JsonBodyLimits } from '../../core/http/read-json.js';
import { TallyError } from '../../core/http/tally-error.js';
import type { MeterInput, MeterRegistry, MeterUpdate } from '../../core/meters/meter-registry.js';

export interface MeterRoutesDeps {
  meters: MeterRegistry;
  requireScope: RequireScope;
  limits: JsonBodyLimits;
}

/**
 * OpenMeter v1 meter definitions: `read` to read, `admin` to write.
 * The registry validates bodies (OpenMeter's rules) and raises 400/404/409.
 * Meter queries (`/:meterIdOrSlug/query`) live in the query routes.
 */
export function createMeterRoutes({ meters, requireScope, limits }: MeterRoutesDeps): Router {
  const router = new Router({ prefix: '/api/v1/meters' });

  router.get('/', requireScope('read'), async (ctx) => {
    ctx.body = await meters.list();
  });

  router.post('/', requireScope('admin'), async (ctx) => {
    const body = await readJson(ctx, limits);
    ctx.body = await meters.create(body as MeterInput);
    ctx.status = 201;
  });

  router.get('/:meterIdOrSlug', requireScope('read'), async (ctx) => {
    const meter = await meters.get(ctx.params.meterIdOrSlug ?? '');
    if (!meter) throw new TallyError('NOT_FOUND', `meter not found: ${ctx.params.meterIdOrSlug}`);
    ctx.body = meter;
  });

  router.put('/:meterIdOrSlug', requireScope('admin'), async (ctx) => {
    const body = await readJson(ctx, limits);
    ctx.body = await meters.update(ctx.params.meterIdOrSlug ?? '', body as MeterUpdate);
  });

  router.delete('/:meterIdOrSlug', requireScope('admin'), async (ctx) => {
    await meters.delete(ctx.params.meterIdOrSlug ?? '');
    ctx.status = 204;
  });

  return router;
}
