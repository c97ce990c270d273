import type { Meter } from '../../../core/meters/meter.js';
import type { MeterQueryAnswer } from '../../../core/meters/query/meter-query.js';
import { createZoneTimeFormatter } from '../../../core/meters/query/format-zone-time.js';
import { jsonNumber, jsonString, jsonStringRecord } from './json-text.js';

const RESERVED = new Set(['subject', 'customer_id']);

/**
 * OpenMeter v1's MeterQueryResult as JSON text: `subject` is null unless
 * grouped by it, `customerId` only when grouped by it; `groupBy` holds the
 * other dimensions. Keys in OpenMeter's order.
 */
export function v1QueryJson(answer: MeterQueryAnswer): string {
  const time = createZoneTimeFormatter(answer.offsets);
  let out = `{"from":"${time(answer.fromMs)}","to":"${time(answer.toMs)}"`;
  if (answer.windowSize) out += `,"windowSize":"${answer.windowSize}"`;
  out += ',"data":[';
  const { rows } = answer;
  for (let i = 0; i < rows.length; i++) {
    const { dimensions, value, windowStartMs, windowEndMs } = rows[i]!;
    out += `${i === 0 ? '{"value":' : ',{"value":'}${jsonNumber(value)},"windowStart":"${time(windowStartMs)}","windowEnd":"${time(windowEndMs)}${v1RowTail(dimensions)}`;
  }
  return `${out}]}`;
}

/** The end of a row after its `windowEnd` value: subject, customerId when grouped by it, groupBy. */
function v1RowTail(dimensions: Record<string, string>): string {
  let empty = true;
  for (const _ in dimensions) {
    empty = false;
    break;
  }
  // Not grouped at all (the common query): the same text for every row.
  if (empty) return '","subject":null,"groupBy":{}}';
  const { subject, customer_id: customerId } = dimensions;
  const customer = customerId === undefined ? '' : `"customerId":${jsonString(customerId)},`;
  return `","subject":${subject === undefined ? 'null' : jsonString(subject)},${customer}"groupBy":${jsonStringRecord(dimensions, RESERVED)}}`;
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
