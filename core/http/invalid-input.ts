import { TallyError, type InvalidParameter } from './tally-error.js';

/**
 * Collects every problem of one request body, then throws them together as
 * one BAD_REQUEST, so a client fixes its payload in one round trip.
 */
export interface InputProblems {
  add(field: string, rule: string, reason: string): void;
  /** Throws TallyError BAD_REQUEST naming every problem, if there is any. */
  throwIfAny(): void;
}

export function createInputProblems(what: string): InputProblems {
  const problems: InvalidParameter[] = [];
  return {
    add(field, rule, reason) {
      problems.push({ field, rule, reason, source: 'body' });
    },
    throwIfAny() {
      if (problems.length === 0) return;
      const detail = `invalid ${what}: ${problems.map((p) => `${p.field}: ${p.reason}`).join('; ')}`;
      throw new TallyError('BAD_REQUEST', detail, { invalidParameters: problems });
    },
  };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks an optional string field's type and length; returns it when valid. */
export function optionalString(
  problems: InputProblems,
  body: Record<string, unknown>,
  field: string,
  { min = 0, max }: { min?: number; max: number },
): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    problems.add(field, 'type', 'must be a string');
    return undefined;
  }
  if (value.length < min || value.length > max) {
    problems.add(field, 'length', `must be ${min}-${max} characters long`);
    return undefined;
  }
  return value;
}
