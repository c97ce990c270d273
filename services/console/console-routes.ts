import { stat, readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import Router from '@koa/router';
import type { Context } from 'koa';
import { TallyError } from '../../core/http/tally-error.js';
import { cacheControlOf, contentTypeOf, setSecurityHeaders } from './console-headers.js';

export interface ConsoleRoutesDeps {
  /** The built console (`dist/console`, made by `make build`). */
  dir: string;
}

export const consolePrefix = '/console';

/**
 * The operator console's static files, public (the pages ask for a token and
 * every API call carries it). `/console/<file>` serves the file; any other
 * path without an extension is a page of the single-page app and gets
 * index.html; a missing file is a 404, never HTML in place of a script.
 */
export function createConsoleRoutes({ dir }: ConsoleRoutesDeps): Router {
  const root = resolve(dir);
  const router = new Router();

  router.get([consolePrefix, `${consolePrefix}/{*path}`], async (ctx) => {
    // Relative asset URLs resolve against the directory, so the bare prefix moves under it.
    if (ctx.path === consolePrefix) {
      ctx.status = 301;
      ctx.redirect(`${consolePrefix}/`);
      return;
    }
    const relative = relativePathOf(ctx);
    const isPage = relative === '' || extname(relative) === '';
    const file = await findFile(root, isPage ? 'index.html' : relative);
    if (!file) {
      const detail = isPage ? `the console is not built (no index.html in ${dir}): run make build` : `no console file ${ctx.path}`;
      throw new TallyError('NOT_FOUND', detail);
    }
    setSecurityHeaders(ctx);
    ctx.set('Cache-Control', cacheControlOf(isPage ? 'index.html' : relative));
    ctx.type = contentTypeOf(extname(file.path));
    ctx.lastModified = file.modified;
    ctx.etag = `W/"${file.size.toString(16)}-${file.modified.getTime().toString(16)}"`;
    // Koa judges freshness only on a 2xx response.
    ctx.status = 200;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.body = await readFile(file.path);
  });

  return router;
}

/** The path below the prefix, decoded; dot segments and NUL are refused rather than resolved. */
function relativePathOf(ctx: Context): string {
  let relative: string;
  try {
    relative = decodeURIComponent(ctx.path.slice(consolePrefix.length + 1));
  } catch {
    throw new TallyError('BAD_REQUEST', `malformed percent-encoding in ${ctx.path}`);
  }
  const segments = relative.split(/[/\\]/);
  if (relative.includes('\0') || segments.some((s) => s.startsWith('.'))) {
    throw new TallyError('NOT_FOUND', `no console file ${ctx.path}`);
  }
  return relative;
}

async function findFile(root: string, relative: string) {
  const path = resolve(root, relative);
  if (!path.startsWith(root + sep)) return undefined;
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  return { path, size: info.size, modified: info.mtime };
}
