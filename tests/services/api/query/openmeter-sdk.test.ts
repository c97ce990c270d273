import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HTTPError, OpenMeter } from '@openmeter/sdk';
import { eventually } from '../../../support/eventually.js';
import { startTallySystem, type TallySystem } from '../../../support/tally-system.js';

/**
 * The published @openmeter/sdk against a real Tally (Redis, worker, Redis
 * Stream log), used as its README shows. Typed loosely where Tally accepts
 * less than the SDK's full types describe (e.g. billing fields).
 */
let system: TallySystem;
let openmeter: OpenMeter;

before(async () => {
  system = await startTallySystem();
  openmeter = new OpenMeter({ baseUrl: system.baseUrl, apiKey: system.adminToken });
});

after(async () => {
  await system?.stop();
});

/** The SDK types successful answers as possibly undefined. */
function defined<T>(value: T | undefined): T {
  assert.ok(value !== undefined, 'the SDK returned a body');
  return value;
}

test('@openmeter/sdk: meters create, get, list, update, delete', async () => {
  const created = defined(await openmeter.meters.create({ slug: 'sdk_tokens', name: 'Tokens', aggregation: 'SUM', eventType: 'sdk.llm', valueProperty: '$.tokens', groupBy: { model: '$.model' } } as never));
  assert.equal(created.slug, 'sdk_tokens');
  assert.equal(defined(await openmeter.meters.get('sdk_tokens')).id, created.id);
  assert.deepEqual(defined(await openmeter.meters.list()).map((m) => m.slug), ['sdk_tokens']);
  const updated = defined(await openmeter.meters.update('sdk_tokens', { name: 'LLM tokens', groupBy: { model: '$.model', type: '$.type' } } as never));
  assert.equal(updated.name, 'LLM tokens');
  await openmeter.meters.create({ slug: 'sdk_doomed', aggregation: 'COUNT', eventType: 'sdk.other' } as never);
  await openmeter.meters.delete('sdk_doomed');
  await assert.rejects(openmeter.meters.get('sdk_doomed'), (error: unknown) => error instanceof HTTPError && error.status === 404);
});

test('@openmeter/sdk: customers create, get, list, update, delete', async () => {
  const acme = defined(await openmeter.customers.create({ name: 'ACME', key: 'acme', usageAttribution: { subjectKeys: ['sdk-alice'] } } as never));
  assert.ok(acme.id);
  assert.equal(defined(await openmeter.customers.get('acme')).id, acme.id);
  const page = defined(await openmeter.customers.list());
  assert.deepEqual(page.items.map((c) => c.key), ['acme']);
  const renamed = defined(await openmeter.customers.update('acme', { name: 'ACME Inc.', key: 'acme', usageAttribution: { subjectKeys: ['sdk-alice'] } } as never));
  assert.equal(renamed.name, 'ACME Inc.');
  const temp = defined(await openmeter.customers.create({ name: 'Temp', key: 'temp' } as never));
  await openmeter.customers.delete(temp.id);
  assert.ok(defined(await openmeter.customers.get(temp.id)).deletedAt instanceof Date, 'soft-deleted, deletedAt decoded as a Date');
});

test('@openmeter/sdk: events ingest and list, meters query (JSON, windows, groupBy, filters)', async () => {
  const day = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000;
  await openmeter.events.ingest([
    { type: 'sdk.llm', subject: 'sdk-alice', time: new Date(day + 3_600_000), data: { tokens: 10, model: 'gpt-4o', type: 'input' } },
    { type: 'sdk.llm', subject: 'sdk-alice', time: new Date(day + 7_200_000), data: { tokens: 5, model: 'o3', type: 'output' } },
    { type: 'sdk.llm', subject: 'sdk-nobody', time: new Date(day + 7_200_000), data: { tokens: 99, model: 'o3' } },
  ] as never);
  const from = new Date(day);
  const to = new Date(day + 86_400_000);
  await eventually(async () => {
    const result = await openmeter.meters.query('sdk_tokens', { from, to } as never);
    assert.equal(result.data[0]?.value, 15, 'both attributed events counted');
  });
  const windowed = await openmeter.meters.query('sdk_tokens', { from, to, windowSize: 'HOUR', groupBy: ['model'], windowTimeZone: 'UTC' } as never);
  assert.deepEqual(
    windowed.data.map((r) => [r.windowStart.toISOString(), r.groupBy, r.value]),
    [
      [new Date(day + 3_600_000).toISOString(), { model: 'gpt-4o' }, 10],
      [new Date(day + 7_200_000).toISOString(), { model: 'o3' }, 5],
    ],
  );
  const filtered = await openmeter.meters.query('sdk_tokens', { from, to, filterGroupBy: { type: 'output' }, subject: ['sdk-alice'], groupBy: ['subject'] } as never);
  assert.deepEqual(filtered.data.map((r) => [r.subject, r.value]), [['sdk-alice', 5]]);
  const posted = defined(await openmeter.meters.queryPost('sdk_tokens', { from, to, groupBy: ['customer_id'] } as never)) as { data: { value: number; customerId?: string }[] };
  assert.equal(posted.data[0]?.value, 15);
  assert.equal(typeof posted.data[0]?.customerId, 'string');

  const events = defined(await openmeter.events.list({ subject: 'sdk-nobody' } as never));
  assert.equal(events.length, 1);
  assert.equal(events[0]!.validationError, 'no customer found for event subject: sdk-nobody');
  assert.ok(events[0]!.ingestedAt instanceof Date);
  const all = defined(await openmeter.events.list({ limit: 2 } as never));
  assert.equal(all.length, 2);
});

test('@openmeter/sdk: errors surface as HTTPError with the problem details', async () => {
  await assert.rejects(
    openmeter.meters.query('sdk_tokens', { windowTimeZone: 'Not/AZone' } as never),
    (error: unknown) => error instanceof HTTPError && error.status === 400,
  );
  const reader = new OpenMeter({ baseUrl: system.baseUrl, apiKey: system.ingestToken });
  await assert.rejects(reader.meters.list(), (error: unknown) => error instanceof HTTPError && error.status === 403);
});
