import type { Meter } from '../../../core/meters/meter.js';
import type { MeterQueryAnswer } from '../../../core/meters/query/meter-query.js';
import { createZoneTimeFormatter } from '../../../core/meters/query/format-zone-time.js';

/** OpenMeter v1's MeterQueryResult: `subject` is null unless grouped by it, `customerId` only when grouped by it. */
export function v1QueryResult(answer: MeterQueryAnswer): Record<string, unknown> {
  const time = createZoneTimeFormatter(answer.offsets);
  const result: Record<string, unknown> = { from: time(answer.fromMs), to: time(answer.toMs) };
  if (answer.windowSize) result.windowSize = answer.windowSize;
  result.data = answer.rows.map((row) => {
    const { subject, customer_id: customerId, ...groupBy } = row.dimensions;
    const out: Record<string, unknown> = {
      value: row.value,
      windowStart: time(row.windowStartMs),
      windowEnd: time(row.windowEndMs),
      subject: subject ?? null,
    };
    if (customerId !== undefined) out.customerId = customerId;
    out.groupBy = groupBy;
    return out;
  });
  return result;
}

/**
 * `window_start,window_end[,subject][,customer_id],<groupBy keys...>,value`:
 * the columns follow the query's groupBy, so every row has every column.
 */
export function v1QueryCsv(answer: MeterQueryAnswer, groupBy: readonly string[]): string {
  const time = createZoneTimeFormatter(answer.offsets);
  const reserved = ['subject', 'customer_id'].filter((key) => groupBy.includes(key));
  const keys = groupBy.filter((key) => key !== 'subject' && key !== 'customer_id');
  const lines = [['window_start', 'window_end', ...reserved, ...keys, 'value'].map(csvField).join(',')];
  for (const row of answer.rows) {
    const fields = [time(row.windowStartMs), time(row.windowEndMs), ...reserved.map((k) => row.dimensions[k] ?? ''), ...keys.map((k) => row.dimensions[k] ?? ''), String(row.value)];
    lines.push(fields.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** RFC 4180 quoting; a leading formula character is neutralized so spreadsheets do not evaluate it. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvFilename(meter: Meter): string {
  return `${meter.slug}.csv`;
}
