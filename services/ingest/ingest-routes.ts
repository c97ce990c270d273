import Router from '@koa/router';
import type { Context } from 'koa';
import type { RequireScope } from '../../core/auth/scope.js';
import type { Config } from '../../core/config/config.js';
import type { LogRecord } from '../../core/events/cloud-event.js';
import { decodeEventTexts, eventMediaType } from '../../core/events/decode-events.js';
import { type EventValidator, type IngestApi, unchangedJson } from '../../core/events/event-validator.js';
import type { HttpMetrics } from '../../core/http/http-metrics.js';
import { readBody } from '../../core/http/read-body.js';
import { TallyError } from '../../core/http/tally-error.js';
import type { EventLog } from '../../core/log/event-log.js';
import { publishWithin } from './publish-within.js';

export interface IngestRoutesDeps {
  log: EventLog;
  validator: EventValidator;
  requireScope: RequireScope;
  metrics: HttpMetrics;
  limits: Config['limits'];
  namespace: string;
  now?: () => Date;
}

/**
 * POST /api/v1/events (204), POST /v3/openmeter/events and
 * /api/v3/openmeter/events (202). The whole request is decoded and
 * validated before anything is published, and the reply is sent only once
 * the log acknowledged every event.
 */
export function createIngestRoutes(deps: IngestRoutesDeps): Router {
  const router = new Router();
  const guard = deps.requireScope('ingest');
  router.post('/api/v1/events', guard, createIngestHandler(deps, 'v1', 204));
  router.post('/v3/openmeter/events', guard, createIngestHandler(deps, 'v3', 202));
  router.post('/api/v3/openmeter/events', guard, createIngestHandler(deps, 'v3', 202));
  return router;
}

function createIngestHandler(deps: IngestRoutesDeps, api: IngestApi, successStatus: 202 | 204) {
  const { log, validator, metrics, limits, namespace } = deps;
  const now = deps.now ?? (() => new Date());
  return async (ctx: Context) => {
    let decoded = 0;
    try {
      const mediaType = eventMediaType(ctx.get('content-type') || undefined);
      const { events: raw, texts } = decodeEventTexts(mediaType, await readBody(ctx.req, limits), limits);
      decoded = raw.length;
      const events = validator.validate(raw, api);
      if (events.length > 0) {
        const ingestedAt = now().toISOString();
        const records = new Array<LogRecord>(events.length);
        for (let i = 0; i < events.length; i++) {
          const event = events[i]!;
          records[i] = { namespace, ingestedAt, event, json: unchangedJson(raw[i], event, texts[i]) };
        }
        await publishWithin(log, records, { timeoutMs: limits.publishTimeoutMs, duration: metrics.publishDuration });
      }
      metrics.eventsAccepted.inc({ api }, events.length);
    } catch (error) {
      const reason = error instanceof TallyError ? error.code.toLowerCase() : 'internal';
      metrics.eventsRejected.inc({ api, reason }, Math.max(decoded, 1));
      throw error;
    }
    ctx.body = null;
    ctx.status = successStatus;
  };
}
