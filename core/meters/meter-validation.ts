import { createInputProblems, isPlainObject, optionalString, type InputProblems } from '../http/invalid-input.js';
import { compileJsonPath, JsonPathError } from './json-path.js';
import { AGGREGATIONS, type Aggregation, type Meter } from './meter.js';
import type { MeterInput, MeterUpdate } from './meter-registry.js';

/** OpenMeter's meter rules, as pure functions: every problem is reported at once, as TallyError BAD_REQUEST. */
const SLUG = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;
const GROUP_BY_KEY = /^[a-zA-Z_][0-9a-zA-Z_]*$/;
const RESERVED_GROUP_BY_KEYS = new Set(['subject', 'customer_id']);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;
const IMMUTABLE_FIELDS = ['slug', 'aggregation', 'eventType', 'eventFrom', 'valueProperty'] as const;

export function validateMeterInput(body: unknown): MeterInput {
  const problems = createInputProblems('meter');
  if (!isPlainObject(body)) {
    problems.add('body', 'type', 'must be a JSON object');
    problems.throwIfAny();
  }
  const input = body as Record<string, unknown>;
  const slug = input.slug;
  if (typeof slug !== 'string' || slug.length < 1 || slug.length > 64 || !SLUG.test(slug)) {
    problems.add('slug', 'pattern', 'must be 1-64 characters of lowercase letters and digits, separated by single underscores');
  }
  const aggregation = input.aggregation;
  const knownAggregation = typeof aggregation === 'string' && (AGGREGATIONS as readonly string[]).includes(aggregation);
  if (!knownAggregation) problems.add('aggregation', 'enum', `must be one of ${AGGREGATIONS.join(', ')}`);
  if (typeof input.eventType !== 'string' || input.eventType.length === 0) {
    problems.add('eventType', 'required', 'must be a non-empty string');
  }
  const name = optionalString(problems, input, 'name', { min: 1, max: 256 });
  const description = optionalString(problems, input, 'description', { max: 1024 });
  const eventFrom = checkEventFrom(problems, input.eventFrom);
  const valueProperty = knownAggregation ? checkValueProperty(problems, aggregation as Aggregation, input.valueProperty) : undefined;
  const groupBy = checkGroupBy(problems, input.groupBy);
  problems.throwIfAny();

  return {
    slug: slug as string,
    name: name ?? (slug as string),
    ...(description === undefined ? {} : { description }),
    aggregation: aggregation as Aggregation,
    eventType: input.eventType as string,
    ...(eventFrom === undefined ? {} : { eventFrom }),
    ...(valueProperty === undefined ? {} : { valueProperty }),
    groupBy: groupBy ?? {},
  };
}

/**
 * An update may change only name, description and groupBy. Immutable fields
 * are tolerated when they repeat the current value (clients often send the
 * whole meter back) and rejected when they differ.
 */
export function validateMeterUpdate(body: unknown, current: Meter): MeterUpdate {
  const problems = createInputProblems('meter update');
  if (!isPlainObject(body)) {
    problems.add('body', 'type', 'must be a JSON object');
    problems.throwIfAny();
  }
  const input = body as Record<string, unknown>;
  for (const field of IMMUTABLE_FIELDS) {
    const value = input[field];
    if (value !== undefined && value !== null && value !== current[field]) {
      problems.add(field, 'immutable', 'cannot be changed; only name, description and groupBy can be updated');
    }
  }
  const name = optionalString(problems, input, 'name', { min: 1, max: 256 });
  const description = optionalString(problems, input, 'description', { max: 1024 });
  const groupBy = checkGroupBy(problems, input.groupBy);
  problems.throwIfAny();
  return {
    ...(name === undefined ? {} : { name }),
    ...(description === undefined ? {} : { description }),
    ...(groupBy === undefined ? {} : { groupBy }),
  };
}

function checkEventFrom(problems: InputProblems, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
    problems.add('eventFrom', 'format', 'must be an RFC 3339 date-time');
    return undefined;
  }
  return new Date(value).toISOString();
}

function checkValueProperty(problems: InputProblems, aggregation: Aggregation, value: unknown): string | undefined {
  if (aggregation === 'COUNT') {
    if (value !== undefined && value !== null && value !== '') {
      problems.add('valueProperty', 'forbidden', 'must not be set for COUNT meters');
    }
    return undefined;
  }
  if (typeof value !== 'string' || value.length === 0) {
    problems.add('valueProperty', 'required', `is required for ${aggregation} meters`);
    return undefined;
  }
  return checkPath(problems, 'valueProperty', value) ? value : undefined;
}

function checkGroupBy(problems: InputProblems, value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    problems.add('groupBy', 'type', 'must be an object of key -> JSONPath');
    return undefined;
  }
  const groupBy: Record<string, string> = {};
  for (const [key, path] of Object.entries(value)) {
    const field = `groupBy.${key}`;
    if (!GROUP_BY_KEY.test(key)) {
      problems.add(field, 'pattern', 'key must match ^[a-zA-Z_][0-9a-zA-Z_]*$');
    } else if (RESERVED_GROUP_BY_KEYS.has(key)) {
      problems.add(field, 'reserved', `"${key}" is reserved`);
    } else if (typeof path !== 'string') {
      problems.add(field, 'type', 'must be a JSONPath string');
    } else if (checkPath(problems, field, path)) {
      groupBy[key] = path;
    }
  }
  return groupBy;
}

function checkPath(problems: InputProblems, field: string, path: string): boolean {
  try {
    compileJsonPath(path);
    return true;
  } catch (error) {
    if (!(error instanceof JsonPathError)) throw error;
    problems.add(field, 'jsonpath', error.message);
    return false;
  }
}
