import type { MeterQueryRow } from '../api/types.js';
import { groupValueOf } from './usage-series.js';

function cell(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The rows of the usage table as CSV, in the column layout of the API's own
 * CSV (`window_start,window_end[,<groupBy>],value`), timestamps as the API
 * returned them (with the zone's offset).
 */
export function usageCsv(rows: readonly MeterQueryRow[], groupBy: string | undefined): string {
  const header = ['window_start', 'window_end', ...(groupBy ? [groupBy] : []), 'value'];
  const lines = rows.map((row) => [row.windowStart, row.windowEnd, ...(groupBy ? [groupValueOf(row, groupBy)] : []), row.value].map(cell).join(','));
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}
