import type { MeterContribution } from '../../../../core/meters/evaluate-event.js';
import type { MeterAggregateRequest, MeterAggregateRow } from '../../../../core/meters/meter-query-store.js';

export interface ReferenceContribution extends MeterContribution {
  customerId: string;
}

/** The meter query computed naively over raw contributions: what the buckets must reproduce. */
export function referenceAggregate(all: readonly ReferenceContribution[], request: MeterAggregateRequest): MeterAggregateRow[] {
  const rows = new Map<string, { window: number; dimensions: Record<string, string>; items: ReferenceContribution[] }>();
  for (const item of all) {
    if (item.meter.id !== request.meter.id) continue;
    if (request.customerIds && !request.customerIds.includes(item.customerId)) continue;
    const dims: Record<string, string> = { ...item.dimensions, customer_id: item.customerId };
    const filtered = Object.entries(request.filters).every(([key, values]) => values.includes(dims[key] ?? ''));
    if (!filtered) continue;
    const window = request.windows.findIndex((w) => item.timeMs >= w.fromMs && item.timeMs < w.toMs);
    if (window < 0) continue;
    const dimensions: Record<string, string> = {};
    for (const key of request.groupBy) dimensions[key] = dims[key] ?? '';
    const key = `${window}|${JSON.stringify(dimensions)}`;
    const row = rows.get(key) ?? { window, dimensions, items: [] };
    row.items.push(item);
    rows.set(key, row);
  }
  return [...rows.values()].map(({ window, dimensions, items }) => ({ window, dimensions, value: valueOf(request, items) }));
}

function valueOf(request: MeterAggregateRequest, items: ReferenceContribution[]): number | null {
  const numbers = items.map((item) => Number(item.value));
  switch (request.meter.aggregation) {
    case 'COUNT':
      return items.length;
    case 'SUM':
      return numbers.reduce((a, b) => a + b, 0);
    case 'AVG':
      return numbers.reduce((a, b) => a + b, 0) / numbers.length;
    case 'MIN':
      return Math.min(...numbers);
    case 'MAX':
      return Math.max(...numbers);
    case 'UNIQUE_COUNT':
      return new Set(items.map((item) => String(item.value))).size;
    case 'LATEST': {
      const latest = [...items].sort((a, b) => b.timeMs - a.timeMs || Number(b.value) - Number(a.value))[0];
      return latest === undefined ? null : Number(latest.value);
    }
  }
}

/** Rows keyed by window and dimensions, values rounded to tolerate float summation order. */
export function comparable(rows: readonly MeterAggregateRow[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const row of rows) {
    const dims = Object.keys(row.dimensions).sort().map((k) => `${k}=${row.dimensions[k]}`).join(',');
    out[`${row.window}|${dims}`] = row.value === null ? null : Math.round(row.value * 1e6) / 1e6;
  }
  return out;
}
