import type Router from '@koa/router';
import { createCustomerRoutes } from '../api/customer-routes.js';
import { createFeedRoutes } from '../api/feed/feed-routes.js';
import { createMeterRoutes } from '../api/meter-routes.js';
import { createMeterQueryRoutes } from '../api/query/meter-query-routes.js';
import { createTokenRoutes } from '../api/token-routes.js';
import { createConsoleRoutes } from '../console/console-routes.js';
import { createOpsRoutes } from '../http/ops-routes.js';
import { createIngestRoutes } from '../ingest/ingest-routes.js';
import type { Runtime } from './create-runtime.js';

/** Unauthenticated /healthz, /readyz, /metrics: every HTTP process has them. */
export function opsRouters(runtime: Runtime): Router[] {
  const { redis, log, registry } = runtime;
  return [createOpsRoutes({ redis, log, registry })];
}

/** Leaving out the ops routes lets `all` combine both roles without registering them twice. */
export interface RouterOptions {
  ops?: boolean;
}

/**
 * `tally ingest`: the three event ingest paths, and ops. Ingest goes first:
 * every router a request passes costs it a dispatch (host, path, matching
 * each route), and event requests are nearly all the traffic.
 */
export function ingestRouters(runtime: Runtime, { ops = true }: RouterOptions = {}): Router[] {
  const { log, validator, requireScope, metrics, config } = runtime;
  return [
    createIngestRoutes({ log, validator, requireScope, metrics, limits: config.limits, namespace: config.namespace }),
    ...(ops ? opsRouters(runtime) : []),
  ];
}

/** `tally api`: ops, tokens, meters, customers; one line per router (queries, feed and console add theirs here). */
export function apiRouters(runtime: Runtime, { ops = true }: RouterOptions = {}): Router[] {
  const { tokens, meters, customers, queries, zones, feed, requireScope, config } = runtime;
  const { limits } = config;
  return [
    ...(ops ? opsRouters(runtime) : []),
    createTokenRoutes({ tokens, requireScope, limits }),
    createMeterRoutes({ meters, requireScope, limits }),
    createCustomerRoutes({ customers, requireScope, limits }),
    createMeterQueryRoutes({ meters, customers, queries, zones, requireScope, limits }),
    createFeedRoutes({ feed, requireScope }),
    createConsoleRoutes({ dir: config.console.dir }),
  ];
}

/** `tally all`: ops once, then ingest and api. */
export function allRouters(runtime: Runtime): Router[] {
  return [...ingestRouters(runtime), ...apiRouters(runtime, { ops: false })];
}
