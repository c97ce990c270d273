import type { Context } from 'koa';
import { parseJson } from './parse-json.js';
import { readBody } from './read-body.js';
import { TallyError } from './tally-error.js';

export interface JsonBodyLimits {
  maxBodyBytes: number;
  bodyTimeoutMs: number;
  maxJsonDepth: number;
}

/**
 * The JSON body of an API request (not ingest), with the same streaming
 * limits as ingest. Any route that takes a JSON body can use it.
 */
export async function readJson(ctx: Context, limits: JsonBodyLimits): Promise<unknown> {
  if (!ctx.is('application/json', '+json')) {
    throw new TallyError('UNSUPPORTED_MEDIA_TYPE', 'send the request body as application/json');
  }
  const text = await readBody(ctx.req, limits);
  if (text.trim() === '') throw new TallyError('BAD_REQUEST', 'request body is empty');
  return parseJson(text, limits.maxJsonDepth).value;
}
