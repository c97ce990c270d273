import { messagesOf, unattributedSubject } from '../api/feed.js';
import type { Customer, IngestedEvent } from '../api/types.js';

export interface UnattributedSubject {
  subject: string;
  /** Records in the fetched feed page that say `no customer found for event subject: <subject>`. */
  count: number;
  lastSeen: string;
  types: string[];
}

/** Groups the feed's `no customer found` errors by subject, most events first. */
export function unattributedSubjects(records: readonly IngestedEvent[]): UnattributedSubject[] {
  const bySubject = new Map<string, UnattributedSubject>();
  for (const record of records) {
    for (const message of messagesOf(record)) {
      const subject = unattributedSubject(message);
      if (subject === undefined) continue;
      const seen = record.event.time ?? record.ingestedAt;
      const entry = bySubject.get(subject) ?? { subject, count: 0, lastSeen: seen, types: [] };
      entry.count += 1;
      if (seen > entry.lastSeen) entry.lastSeen = seen;
      if (!entry.types.includes(record.event.type)) entry.types.push(record.event.type);
      bySubject.set(subject, entry);
    }
  }
  return [...bySubject.values()].sort((a, b) => b.count - a.count || b.lastSeen.localeCompare(a.lastSeen) || a.subject.localeCompare(b.subject));
}

/** The customer a subject resolves to now: its key wins, then its subject keys (as the worker resolves). */
export function ownerOf(subject: string, customers: readonly Customer[]): Customer | undefined {
  return customers.find((c) => c.key === subject) ?? customers.find((c) => c.usageAttribution.subjectKeys.includes(subject));
}

/** A customer named after the subject that claims it, ready for `POST /api/v1/customers`. */
export function customerForSubject(subject: string, name = subject) {
  return { name: name.trim() || subject, key: subject, usageAttribution: { subjectKeys: [subject] } };
}

/** The customer with `subject` added to its subject keys, as a full replacement body for `PUT`. */
export function withSubjectKey(customer: Customer, subject: string) {
  const { id: _id, createdAt: _created, updatedAt: _updated, deletedAt: _deleted, ...input } = customer;
  const subjectKeys = [...new Set([...customer.usageAttribution.subjectKeys, subject])];
  return { ...input, usageAttribution: { ...customer.usageAttribution, subjectKeys } };
}
