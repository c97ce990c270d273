import { createInputProblems, isPlainObject, optionalString, type InputProblems } from '../http/invalid-input.js';
import type { CustomerInput } from './customer-store.js';

const CURRENCY = /^[A-Z]{3}$/;

/**
 * OpenMeter's CustomerCreate / CustomerReplaceUpdate rules. Unknown fields
 * (billingAddress, ...) are ignored. Subject keys are de-duplicated.
 */
export function validateCustomerInput(body: unknown): CustomerInput {
  const problems = createInputProblems('customer');
  if (!isPlainObject(body)) {
    problems.add('body', 'type', 'must be a JSON object');
    problems.throwIfAny();
  }
  const input = body as Record<string, unknown>;
  if (typeof input.name !== 'string' || input.name.length < 1 || input.name.length > 256) {
    problems.add('name', 'required', 'must be a string of 1-256 characters');
  }
  const key = optionalString(problems, input, 'key', { min: 1, max: 256 });
  const description = optionalString(problems, input, 'description', { max: 1024 });
  const primaryEmail = optionalString(problems, input, 'primaryEmail', { min: 1, max: 256 });
  const currency = optionalString(problems, input, 'currency', { min: 3, max: 3 });
  if (currency !== undefined && !CURRENCY.test(currency)) problems.add('currency', 'pattern', 'must be a three-letter code like USD');
  const metadata = checkMetadata(problems, input.metadata);
  const subjectKeys = checkSubjectKeys(problems, input.usageAttribution);
  if ((input.key === undefined || input.key === null) && subjectKeys?.length === 0) {
    problems.add('key', 'required', 'either key or usageAttribution.subjectKeys must be provided');
  }
  problems.throwIfAny();

  return {
    name: input.name as string,
    ...(key === undefined ? {} : { key }),
    ...(description === undefined ? {} : { description }),
    ...(metadata === undefined ? {} : { metadata }),
    ...(primaryEmail === undefined ? {} : { primaryEmail }),
    ...(currency === undefined ? {} : { currency }),
    usageAttribution: { subjectKeys: subjectKeys ?? [] },
  };
}

function checkMetadata(problems: InputProblems, value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    problems.add('metadata', 'type', 'must be an object of string values');
    return undefined;
  }
  for (const [name, item] of Object.entries(value)) {
    if (typeof item !== 'string') problems.add(`metadata.${name}`, 'type', 'must be a string');
  }
  return value as Record<string, string>;
}

function checkSubjectKeys(problems: InputProblems, value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  const subjectKeys = isPlainObject(value) ? value.subjectKeys : undefined;
  if (!Array.isArray(subjectKeys)) {
    problems.add('usageAttribution.subjectKeys', 'type', 'must be an array of subject keys');
    return undefined;
  }
  subjectKeys.forEach((subject, index) => {
    if (typeof subject !== 'string' || subject.length === 0) {
      problems.add(`usageAttribution.subjectKeys[${index}]`, 'type', 'must be a non-empty string');
    }
  });
  return [...new Set(subjectKeys as string[])];
}
