import type Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import { createErrorMiddleware } from '../../core/http/error-middleware.js';
import type { HttpMetrics } from '../../core/http/http-metrics.js';

export interface AppDeps {
  logger: Logger;
  metrics: HttpMetrics;
  /** Every route of the process: ingest, ops, tokens, meters, customers, queries, feed, console. */
  routers: readonly Router[];
}

/** The Koa app of any HTTP process. Never listens: tests drive it in-process or on a port of their own. */
export function createApp({ logger, metrics, routers }: AppDeps): Koa {
  const app = new Koa();
  // The error middleware logs every failure once; Koa's own stderr reporting would repeat it.
  app.silent = true;
  app.use(metrics.middleware);
  app.use(createErrorMiddleware({ logger }));
  for (const router of routers) app.use(router.routes());
  return app;
}
