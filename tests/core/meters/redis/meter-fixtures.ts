import type { LogRecord } from '../../../../core/events/cloud-event.js';
import type { Meter } from '../../../../core/meters/meter.js';

/** Deterministic pseudo-random numbers (mulberry32), so a failing seed can be replayed. */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T };
}

let meterCounter = 0;

export function testMeter(over: Partial<Meter> & Pick<Meter, 'slug' | 'aggregation'>): Meter {
  const id = `01JMETER${String(++meterCounter).padStart(18, '0')}`;
  return {
    id, eventType: 'llm', groupBy: {}, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
    ...(over.aggregation === 'COUNT' ? {} : { valueProperty: '$.tokens' }), ...over,
  };
}

/** One meter of every aggregation, some grouped by model, one starting late. */
export function everyAggregation(): Meter[] {
  return [
    testMeter({ slug: 'sum', aggregation: 'SUM', groupBy: { model: '$.model' } }),
    testMeter({ slug: 'count', aggregation: 'COUNT' }),
    testMeter({ slug: 'avg', aggregation: 'AVG', groupBy: { model: '$.model' } }),
    testMeter({ slug: 'min', aggregation: 'MIN' }),
    testMeter({ slug: 'max', aggregation: 'MAX', groupBy: { model: '$.model' } }),
    testMeter({ slug: 'latest', aggregation: 'LATEST' }),
    testMeter({ slug: 'unique', aggregation: 'UNIQUE_COUNT', valueProperty: '$.user', groupBy: { model: '$.model' } }),
    testMeter({ slug: 'late_sum', aggregation: 'SUM', eventFrom: '2026-05-02T00:00:00.000Z' }),
  ];
}

export const BASE_MS = Date.parse('2026-05-01T00:00:00.000Z');

export function logRecord(id: string, subject: string, timeMs: number, data: Record<string, unknown> | null, type = 'llm'): LogRecord {
  return {
    namespace: 'default',
    ingestedAt: new Date(BASE_MS).toISOString(),
    event: { specversion: '1.0', id, source: 'test', type, subject, time: new Date(timeMs).toISOString(), data },
  };
}

/** Random events over three days: good and bad values, numeric strings, missing groups, any order. */
export function randomRecords(seed: number, count: number, subjects: readonly string[]): LogRecord[] {
  const random = seededRandom(seed);
  const records: LogRecord[] = [];
  for (let i = 0; i < count; i++) {
    const data: Record<string, unknown> = {};
    const kind = random.int(10);
    if (kind < 5) data.tokens = random.int(1000) - 100;
    else if (kind < 7) data.tokens = String(random.int(100) / 4);
    else if (kind === 7) data.tokens = 'lots';
    else if (kind === 8) data.tokens = null;
    if (random.int(4) > 0) data.model = random.pick(['gpt-4o', 'claude', 'llama']);
    data.user = `u${random.int(12)}`;
    const timeMs = BASE_MS + random.int(3 * 24 * 60) * 60_000 + random.int(60_000);
    records.push(logRecord(`e${seed}-${i}`, random.pick(subjects), timeMs, data, random.int(20) === 0 ? 'other' : 'llm'));
  }
  return records;
}
