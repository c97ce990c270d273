import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { loadConfig } from '../../core/config/config.js';
import { decodeEvents, type EventMediaType } from '../../core/events/decode-events.js';
import { createEventValidator, type IngestApi } from '../../core/events/event-validator.js';
import { errorStatus } from '../../core/http/error-status.js';
import { TallyError } from '../../core/http/tally-error.js';
import { soakScale } from '../support/soak.js';
import { createReliabilitySummary } from '../support/reliability-summary.js';

const summary = createReliabilitySummary('decoder-fuzz');
const { limits } = loadConfig({});
const now = new Date('2026-06-01T00:00:00.000Z');
const validator = createEventValidator({ now: () => now });
const mediaTypes: EventMediaType[] = ['application/cloudevents+json', 'application/cloudevents-batch+json', 'application/json'];
const apis: IngestApi[] = ['v1', 'v3'];
const numRuns = soakScale(1_500, 25_000);

type Outcome = { accepted: unknown[] } | { status: number; detail: string };

/** decode + validate as ingest does; anything thrown that is not a 4xx TallyError fails the property. */
function ingest(mediaType: EventMediaType, text: string, api: IngestApi): Outcome {
  try {
    return { accepted: validator.validate(decodeEvents(mediaType, text, limits), api) };
  } catch (error) {
    assert.ok(error instanceof TallyError, `threw a non-TallyError: ${String(error)}`);
    const { status } = errorStatus[error.code];
    assert.ok(status >= 400 && status < 500, `status ${status} for ${error.message}`);
    return { status, detail: error.message };
  }
}

// Keys a JSON document may carry that are plain data (`__proto__` is refused by design, tested in the bad-input table).
const key = fc.string({ maxLength: 12 }).filter((k) => k !== '__proto__');
const jsonData = fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }).filter((v) => !JSON.stringify(v).includes('__proto__')), { maxKeys: 6 });
const nonEmpty = fc.string({ minLength: 1, maxLength: 40, unit: 'binary' });
const validEvent = fc.record(
  {
    specversion: fc.constant('1.0'),
    id: nonEmpty,
    source: nonEmpty,
    type: nonEmpty,
    subject: nonEmpty,
    time: fc.date({ min: new Date('1970-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }).map((d) => d.toISOString()),
    data: fc.option(jsonData, { nil: null }),
  },
  { requiredKeys: ['specversion', 'id', 'source', 'type', 'subject'] },
);

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), field: fc.constantFrom('specversion', 'id', 'source', 'type', 'subject', 'time', 'data') }),
  fc.record({ kind: fc.constant('set' as const), field: fc.constantFrom('specversion', 'id', 'source', 'type', 'subject', 'time', 'data', 'datacontenttype', 'dataschema'), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ kind: fc.constant('extension' as const), field: fc.string({ maxLength: 70 }).filter((k) => k !== '__proto__'), value: fc.jsonValue({ maxDepth: 1 }) }),
  // fc.jsonValue yields own `__proto__` keys only rarely: set one on purpose, so the refusal is judged like every other verdict.
  fc.record({ kind: fc.constant('set' as const), field: fc.constantFrom('data', 'extension1'), value: fc.constantFrom('{"__proto__":{"admin":true}}', '{"a":[{"__proto__":null}]}').map((text) => JSON.parse(text) as unknown) }),
);

describe('decoder and validator under property-based fuzz', () => {
  after(() => summary.write());

  test('arbitrary text on every media type and API: only 4xx TallyErrors', () =>
    summary.track('fuzz', 'arbitrary text and JSON never escape as anything but a 4xx', async () => {
      const text = fc.oneof(fc.string({ maxLength: 200, unit: 'binary' }), fc.json({ maxDepth: 6 }), fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify([v, v])));
      fc.assert(fc.property(text, fc.constantFrom(...mediaTypes), fc.constantFrom(...apis), (body, type, api) => void ingest(type, body, api)), { numRuns });
      return { runs: numRuns };
    }));

  test('valid events round-trip through decode and validation, as one event or as a batch', () =>
    summary.track('fuzz', 'valid events round-trip exactly (one event and batches)', async () => {
      fc.assert(
        fc.property(fc.array(validEvent, { minLength: 1, maxLength: 5 }), fc.constantFrom(...apis), (events, api) => {
          const expected = events.map((e) => {
            const sent = JSON.parse(JSON.stringify(e)) as Record<string, unknown>;
            return { ...sent, time: sent.time ?? now.toISOString(), data: sent.data ?? null };
          });
          const batch = ingest('application/cloudevents-batch+json', JSON.stringify(events), api);
          assert.deepEqual(batch, { accepted: expected });
          assert.deepEqual(ingest('application/cloudevents+json', JSON.stringify(events[0]), api), { accepted: expected.slice(0, 1) });
        }),
        { numRuns },
      );
      return { runs: numRuns };
    }));

  test('mutated valid events get the same verdict every time, alone or in a batch, and v3 never takes what v1 refuses', () =>
    summary.track('fuzz', 'mutated events judged consistently (repeat, position in batch, v1 vs v3)', async () => {
      fc.assert(
        fc.property(validEvent, fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.nat(4), fc.constantFrom(...apis), (event, mutations, position, api) => {
          const mutated: Record<string, unknown> = { ...event };
          for (const m of mutations) {
            if (m.kind === 'delete') delete mutated[m.field];
            else mutated[m.field] = m.value;
          }
          const alone = JSON.stringify([mutated]);
          const first = ingest('application/cloudevents-batch+json', alone, api);
          assert.deepEqual(ingest('application/cloudevents-batch+json', alone, api), first, 'same verdict on a second look');
          const neighbours = Array.from({ length: 4 }, (_, i) => ({ specversion: '1.0', id: `n${i}`, source: 's', type: 't', subject: 's' }));
          neighbours.splice(position, 0, mutated as never);
          const inBatch = ingest('application/cloudevents-batch+json', JSON.stringify(neighbours), api);
          assert.equal('accepted' in inBatch, 'accepted' in first, 'same verdict inside a batch');
          if ('detail' in inBatch && 'detail' in first && first.status === 400) {
            assert.match(inBatch.detail, new RegExp(`\\[${position}\\]`), 'the batch error names the index');
          }
          if (api === 'v3' && 'accepted' in first) {
            assert.ok('accepted' in ingest('application/cloudevents-batch+json', alone, 'v1'), 'v1 takes whatever v3 takes');
          }
        }),
        { numRuns },
      );
      return { runs: numRuns };
    }));

  test('constructor and prototype keys stay plain data and pollute nothing', () =>
    summary.track('fuzz', 'no prototype pollution through accepted keys', async () => {
      const body = JSON.stringify([{ specversion: '1.0', id: 'p', source: 's', type: 't', subject: 's', constructor: 'x', data: { constructor: { prototype: { polluted: true } }, prototype: 1 } }]);
      const outcome = ingest('application/cloudevents-batch+json', body, 'v1');
      assert.ok('accepted' in outcome, 'accepted as data');
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
      return { runs: 1 };
    }));
});
