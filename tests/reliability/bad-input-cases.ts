import { createCaseBuilder, type BadInputCase } from './bad-input-case.js';
import { badJsonCases } from './bad-json-cases.js';
import { badTransportCases } from './bad-transport-cases.js';

export { caseLimits, paths, type BadInputCase, type IngestPath, type Tokens } from './bad-input-case.js';

/** The whole table of bad ingest requests, each spread over the ingest paths and content types in turn. */
export function buildBadInputCases(): BadInputCase[] {
  const builder = createCaseBuilder();
  return [...badJsonCases(builder), ...badTransportCases(builder)];
}
