import type { Aggregation, MeterQueryRow } from '../api/types.js';

/** The label of a row's group for the chosen groupBy dimension. */
export function groupValueOf(row: MeterQueryRow, groupBy: string | undefined): string {
  if (!groupBy) return '';
  if (groupBy === 'subject') return row.subject ?? '';
  if (groupBy === 'customer_id') return row.customerId ?? '';
  return row.groupBy?.[groupBy] ?? '';
}

export interface Series {
  /** Window starts, epoch seconds (uPlot's x). */
  x: number[];
  groups: { label: string; values: (number | null)[] }[];
}

/**
 * Pivots query rows into one series per group over the window starts.
 * A window with no row is 0 for SUM and COUNT (nothing happened) and a gap
 * for the others (there is no value to show).
 */
export function toSeries(rows: readonly MeterQueryRow[], groupBy: string | undefined, aggregation: Aggregation, windowStartsMs?: readonly number[]): Series {
  const starts = windowStartsMs ? [...windowStartsMs] : [...new Set(rows.map((r) => Date.parse(r.windowStart)))].sort((a, b) => a - b);
  const index = new Map(starts.map((t, i) => [t, i]));
  const empty = aggregation === 'SUM' || aggregation === 'COUNT' ? 0 : null;
  const groups = new Map<string, (number | null)[]>();
  for (const row of rows) {
    const label = groupValueOf(row, groupBy);
    let values = groups.get(label);
    if (!values) {
      values = starts.map(() => empty);
      groups.set(label, values);
    }
    const i = index.get(Date.parse(row.windowStart));
    if (i !== undefined) values[i] = row.value;
  }
  const sorted = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
  return { x: starts.map((t) => t / 1000), groups: sorted.map(([label, values]) => ({ label, values })) };
}

/** Rows in table order: by window, then group. */
export function sortRows(rows: readonly MeterQueryRow[], groupBy: string | undefined): MeterQueryRow[] {
  return [...rows].sort((a, b) => Date.parse(a.windowStart) - Date.parse(b.windowStart) || groupValueOf(a, groupBy).localeCompare(groupValueOf(b, groupBy)));
}
