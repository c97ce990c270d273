import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { InvalidParameter } from '../http/tally-error.js';
import { TallyError } from '../http/tally-error.js';
import type { CloudEvent } from './cloud-event.js';
import { describeSchemaError } from './describe-schema-error.js';

/** v1 (`/api/v1/events`) accepts extension attributes; v3 rejects unknown ones. */
export type IngestApi = 'v1' | 'v3';

export interface EventValidator {
  /**
   * Validates the whole batch before anything else happens and returns the
   * events normalized (`time` in UTC with milliseconds, missing `time` = now,
   * missing `data` = null). Throws BAD_REQUEST naming the index and field of
   * every bad event (the first `maxReportedEvents`).
   */
  validate(events: readonly unknown[], api: IngestApi): CloudEvent[];
}

export interface EventValidatorOptions {
  schemaDir?: string;
  now?: () => Date;
  maxReportedEvents?: number;
}

// ajv-formats is CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
// From core/events in the sources, or dist/core/events once built.
const here = fileURLToPath(new URL('.', import.meta.url));
const defaultSchemaDir = ['../../schemas', '../../../schemas'].map((p) => resolve(here, p)).find((p) => existsSync(p));

/** Compiles the validators once, at start, from the JSON Schemas in `schemas/`. */
export function createEventValidator(options: EventValidatorOptions = {}): EventValidator {
  const schemaDir = options.schemaDir ?? defaultSchemaDir ?? 'schemas';
  const now = options.now ?? (() => new Date());
  const maxReported = options.maxReportedEvents ?? 100;
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  const load = (name: string) => JSON.parse(readFileSync(`${schemaDir}/${name}.schema.json`, 'utf8')) as object;
  ajv.addSchema(load('cloud-event-v1'));
  ajv.addSchema(load('cloud-event-v3'));
  const batch: Record<IngestApi, ValidateFunction> = {
    v1: ajv.compile(load('cloud-event-batch-v1')),
    v3: ajv.compile(load('cloud-event-batch-v3')),
  };

  return {
    validate(events, api) {
      const problems = batch[api](events) ? [] : collectSchemaProblems(batch[api].errors ?? []);
      const normalized = problems.length === 0 ? normalizeAll(events as Record<string, unknown>[], now, problems) : [];
      if (problems.length > 0) throw invalidEvents(problems, events.length === 1, maxReported);
      return normalized;
    },
  };
}

interface EventProblem extends InvalidParameter {
  index: number;
}

function collectSchemaProblems(errors: readonly ErrorObject[]): EventProblem[] {
  const seen = new Set<string>();
  const problems: EventProblem[] = [];
  for (const error of errors) {
    const [, index = '0', ...rest] = error.instancePath.split('/');
    const described = describeSchemaError(error, rest.join('.'));
    if (!described) continue;
    const key = `${index}|${described.field}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ index: Number(index), ...described, source: 'body' });
  }
  return problems.sort((a, b) => a.index - b.index);
}

/**
 * A time already as `toISOString` prints it. ajv's date-time format has
 * checked the calendar (days of the month, hours, minutes), so only a leap
 * second, which Date refuses, would need parsing: the seconds exclude 60.
 */
const CANONICAL_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:[0-5]\d\.\d{3}Z$/;

function normalizeAll(events: readonly Record<string, unknown>[], now: () => Date, problems: EventProblem[]): CloudEvent[] {
  // Taken once, when the first event without a time needs it: most requests carry their times.
  let fallbackTime: string | undefined;
  return events.map((event, index) => {
    let time: string | undefined;
    if (typeof event.time === 'string' && CANONICAL_TIME.test(event.time)) {
      // Already normalized (what gateways send): the received object is the event.
      if (event.data !== undefined) return event as unknown as CloudEvent;
      time = event.time;
    } else if (typeof event.time === 'string') {
      const parsed = new Date(event.time);
      if (Number.isNaN(parsed.getTime())) {
        problems.push({ index, field: 'time', rule: 'format', reason: 'must be a representable RFC 3339 timestamp', source: 'body' });
      } else {
        time = parsed.toISOString();
      }
    }
    time ??= fallbackTime ??= now().toISOString();
    return { ...event, time, data: event.data ?? null } as CloudEvent;
  });
}

/**
 * The event's text as received when it already is the JSON of its
 * normalized form (what `normalizeAll` changes: `time` and a missing
 * `data`), so the log can carry it instead of serializing the event again;
 * undefined when normalization changed something.
 */
export function unchangedJson(received: unknown, normalized: CloudEvent, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const event = received as Record<string, unknown>;
  return event.time === normalized.time && Object.hasOwn(event, 'data') ? text : undefined;
}

function invalidEvents(problems: EventProblem[], single: boolean, maxReported: number): TallyError {
  const indexes = [...new Set(problems.map((p) => p.index))];
  const reported = new Set(indexes.slice(0, maxReported));
  const invalidParameters = problems
    .filter((p) => reported.has(p.index))
    .map(({ index, field, rule, reason, source }) => ({
      field: single ? field : `[${index}]${field ? `.${field}` : ''}`,
      rule,
      reason,
      source,
    }));
  const listed = invalidParameters.map((p) => (p.field ? `${p.field}: ${p.reason}` : p.reason)).join('; ');
  const more = indexes.length > maxReported ? ` (and ${indexes.length - maxReported} more invalid events)` : '';
  const count = single ? '' : ` (${indexes.length} of the batch)`;
  return new TallyError('BAD_REQUEST', `invalid event${count}: ${listed}${more}`, { invalidParameters });
}
