import type { Customer } from '../api/types.js';

/** The customer form's text fields; lists and metadata are edited as plain text. */
export interface CustomerFormValues {
  name: string;
  key: string;
  description: string;
  primaryEmail: string;
  currency: string;
  /** One per line or comma-separated. */
  subjectKeys: string;
  /** `key=value`, one per line. */
  metadata: string;
}

export function toFormValues(customer: Customer): CustomerFormValues {
  return {
    name: customer.name,
    key: customer.key ?? '',
    description: customer.description ?? '',
    primaryEmail: customer.primaryEmail ?? '',
    currency: customer.currency ?? '',
    subjectKeys: customer.usageAttribution.subjectKeys.join('\n'),
    metadata: Object.entries(customer.metadata ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  };
}

export function parseList(text: string): string[] {
  return [...new Set(text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean))];
}

/** `key=value` lines; a line without `=` is a key with an empty value. */
export function parseMetadata(text: string): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const at = line.indexOf('=');
    const key = (at < 0 ? line : line.slice(0, at)).trim();
    if (key) metadata[key] = at < 0 ? '' : line.slice(at + 1).trim();
  }
  return metadata;
}
