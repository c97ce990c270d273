import type { ErrorObject } from 'ajv';

export interface DescribedError {
  /** Attribute path inside the event ('' for the event itself). */
  field: string;
  rule: string;
  reason: string;
}

/** ajv's wording, rephrased in the terms of a CloudEvent where ajv's would puzzle a client. */
const reasons: Record<string, (error: ErrorObject) => string> = {
  minLength: () => 'must be a non-empty string',
  const: () => 'must be "1.0"',
  format: (e) => (e.params.format === 'date-time' ? 'must be an RFC 3339 timestamp' : `must be a valid ${String(e.params.format)}`),
  enum: () => 'must be application/json (or absent or null)',
};

/**
 * One ajv error as (field, rule, reason). Returns undefined for the
 * summarizing errors ajv adds beside a precise one (propertyNames).
 */
export function describeSchemaError(error: ErrorObject, path: string): DescribedError | undefined {
  switch (error.keyword) {
    case 'required':
      return { field: join(path, String(error.params.missingProperty)), rule: 'required', reason: 'is required' };
    case 'additionalProperties':
      return {
        field: join(path, String(error.params.additionalProperty)),
        rule: 'unknown_attribute',
        reason: 'is not a CloudEvents attribute accepted here (v3 accepts no extension attributes)',
      };
    case 'propertyNames':
      return undefined;
    case 'pattern':
      if (error.propertyName !== undefined) {
        return {
          field: join(path, error.propertyName),
          rule: 'attribute_name',
          reason: 'extension attribute names must be lowercase letters and digits',
        };
      }
      break;
    case 'type':
      if (path === '') return { field: '', rule: 'type', reason: 'each event must be a JSON object' };
      if (path === 'data') return { field: path, rule: 'type', reason: 'must be a JSON object or null' };
      break;
  }
  const reason = reasons[error.keyword]?.(error) ?? error.message ?? 'is invalid';
  return { field: path, rule: error.keyword, reason };
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}
