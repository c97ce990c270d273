import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messagesOf } from '../../console/src/api/feed.js';
import type { Customer, IngestedEvent } from '../../console/src/api/types.js';
import { customerForSubject, ownerOf, replayedEvents, stillParked, unattributedSubjects, withSubjectKey } from '../../console/src/attribution/unattributed-subjects.js';

function record(subject: string, time: string, validationError?: string, type = 'api_request'): IngestedEvent {
  return { event: { specversion: '1.0', id: `${subject}-${time}`, source: 'gw', type, subject, time }, validationError, ingestedAt: time, storedAt: time };
}

const customer = (id: string, key: string | undefined, subjectKeys: string[]): Customer => ({
  id,
  key,
  name: id,
  usageAttribution: { subjectKeys },
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

test('unattributed subjects are grouped from the feed messages, most events first', () => {
  const feed = [
    record('alice', '2026-05-01T10:00:03Z', 'no customer found for event subject: alice'),
    record('bob', '2026-05-01T10:00:02Z', 'no customer found for event subject: bob\nno meter found for event type: chat', 'chat'),
    record('alice', '2026-05-01T10:00:01Z', 'no customer found for event subject: alice', 'llm'),
    record('carol', '2026-05-01T10:00:00Z', 'invalid event: value cannot be null'),
    record('dave', '2026-05-01T10:00:00Z'),
  ];
  assert.deepEqual(unattributedSubjects(feed), [
    { subject: 'alice', count: 2, lastSeen: '2026-05-01T10:00:03Z', types: ['api_request', 'llm'] },
    { subject: 'bob', count: 1, lastSeen: '2026-05-01T10:00:02Z', types: ['chat'] },
  ]);
  assert.deepEqual(messagesOf(feed[1]!), ['no customer found for event subject: bob', 'no meter found for event type: chat']);
  assert.deepEqual(messagesOf(feed[4]!), []);
});

test('a subject resolves as the worker does: a key wins over subject keys', () => {
  const customers = [customer('listing', undefined, ['alice']), customer('keyed', 'alice', [])];
  assert.equal(ownerOf('alice', customers)?.id, 'keyed');
  assert.equal(ownerOf('bob', customers), undefined);
});

test('fix bodies: a new customer claims the subject; attaching keeps every other field', () => {
  assert.deepEqual(customerForSubject('alice', '  '), { name: 'alice', key: 'alice', usageAttribution: { subjectKeys: ['alice'] } });
  const acme = { ...customer('01J', 'acme', ['a1']), primaryEmail: 'ops@acme.test', metadata: { tier: 'gold' } };
  assert.deepEqual(withSubjectKey(acme, 'alice'), {
    key: 'acme',
    name: '01J',
    primaryEmail: 'ops@acme.test',
    metadata: { tier: 'gold' },
    usageAttribution: { subjectKeys: ['a1', 'alice'] },
  });
  assert.deepEqual(withSubjectKey(acme, 'a1').usageAttribution.subjectKeys, ['a1'], 'no duplicate key');
});

test('a replayed event stops counting as parked: its newer record names the customer', () => {
  const parked = (id: string) => ({ ...record('erin', '2026-05-01T10:00:00Z', 'no customer found for event subject: erin'), event: { ...record('erin', '2026-05-01T10:00:00Z').event, id } });
  const replay = (id: string) => ({ ...parked(id), validationError: undefined, customerId: '01JERIN', storedAt: '2026-05-01T11:00:00Z' });
  // Newest first: e1 was replayed after it was parked, e2 is still parked.
  const feed = [replay('e1'), parked('e2'), parked('e1')];
  assert.equal(stillParked(feed, 'erin'), 1);
  assert.equal(stillParked([replay('e2'), ...feed], 'erin'), 0);
  assert.deepEqual([...replayedEvents(feed)], ['gw\u0000e1']);
});
