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

/** One event across its feed records (a replay appends a second record for the same event). */
export function eventKey(record: IngestedEvent): string {
  return `${record.event.source}\u0000${record.event.id}`;
}

/**
 * Events whose newest feed record still says `no customer found`. A replayed
 * event gets a newer record naming its customer, so once a subject is claimed
 * and its parked events are replayed, its count drops to zero.
 * `records` are newest first, as the feed returns them.
 */
export function stillParked(records: readonly IngestedEvent[], subject: string): number {
  const decided = new Set<string>();
  let parked = 0;
  for (const record of records) {
    const key = eventKey(record);
    if (decided.has(key)) continue;
    decided.add(key);
    if (messagesOf(record).some((m) => unattributedSubject(m) === subject)) parked += 1;
  }
  return parked;
}

/** Events of the page that have a newer record naming a customer: their earlier errors were resolved by a replay. */
export function replayedEvents(records: readonly IngestedEvent[]): Set<string> {
  const attributed = new Set<string>();
  const replayed = new Set<string>();
  for (const record of records) {
    const key = eventKey(record);
    if (record.customerId) attributed.add(key);
    else if (attributed.has(key)) replayed.add(key);
  }
  return replayed;
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
