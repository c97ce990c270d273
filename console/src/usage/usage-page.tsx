import { useMemo, useState } from 'preact/hooks';
import { windowSizes, type Meter, type WindowSize } from '../api/types.js';
import { Link, setQuery } from '../router.js';
import { useSession } from '../ui/api-context.js';
import { downloadText } from '../ui/download.js';
import { formatNumber, formatTime } from '../ui/format.js';
import { Card, Empty, ErrorBanner, PageHeader } from '../ui/page.js';
import { customerLabel, useCustomers } from '../ui/use-customers.js';
import { useLoad } from '../ui/use-load.js';
import { UsageChart } from './usage-chart.js';
import { dimensionsOf, ranges, UsageControls, type RangeId, type UsageSelection } from './usage-controls.js';
import { usageCsv } from './usage-csv.js';
import { loadUsage } from './usage-query.js';
import { sortRows, toSeries } from './usage-series.js';
import { UsageTables } from './usage-tables.js';
import { alignRange, isValidTimeZone, windowStarts } from './zone-time.js';

const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const liveRefreshMs = 10_000;

function selectionOf(query: URLSearchParams, meters: Meter[]): UsageSelection {
  const range = ranges.find((r) => r.id === query.get('range')) ?? ranges[1];
  const window = query.get('window') as WindowSize | null;
  const tz = query.get('tz');
  const meter = meters.find((m) => m.slug === query.get('meter')) ?? meters[0];
  const groupBy = query.get('groupBy');
  return {
    meter,
    customerId: query.get('customer') ?? undefined,
    range: range.id as RangeId,
    windowSize: window && windowSizes.includes(window) ? window : range.window,
    timeZone: tz && isValidTimeZone(tz) ? tz : browserZone,
    // A dimension the meter does not have (a link from another meter) is dropped rather than sent.
    groupBy: groupBy && meter && dimensionsOf(meter).includes(groupBy) ? groupBy : undefined,
  };
}

export function unitOf(meter: Meter): string {
  return meter.aggregation === 'COUNT' ? 'events' : `${meter.aggregation.toLowerCase()} of ${meter.valueProperty ?? 'value'}`;
}

/** A meter's usage for a customer (or all): chart, totals, the rows, and their CSV. */
export function UsagePage({ query }: { query: URLSearchParams }) {
  const { api } = useSession();
  const meters = useLoad(() => api.get<Meter[]>('/api/v1/meters'), []);
  const customers = useCustomers();
  const selection = selectionOf(query, meters.data ?? []);
  const key = `${query.toString()}|${selection.meter?.slug}`;

  const [live, setLive] = useState(false);
  const usage = useLoad(async () => {
    if (!selection.meter) return undefined;
    const rangeMs = ranges.find((r) => r.id === selection.range)!.ms;
    const now = Date.now();
    const { from, to } = alignRange(now - rangeMs, now, selection.windowSize, selection.timeZone);
    return loadUsage(api, { meterSlug: selection.meter.slug, customerId: selection.customerId, windowSize: selection.windowSize, timeZone: selection.timeZone, groupBy: selection.groupBy, from, to });
  }, [key], { refreshMs: live ? liveRefreshMs : undefined });

  const shown = usage.data && selection.meter ? usage.data : undefined;
  const rows = useMemo(() => (shown ? sortRows(shown.rows, shown.request.groupBy) : []), [shown]);
  const series = useMemo(() => {
    if (!shown || !selection.meter) return undefined;
    const { from, to, windowSize, timeZone, groupBy } = shown.request;
    return toSeries(shown.rows, groupBy, selection.meter.aggregation, windowStarts(from, to, windowSize, timeZone));
  }, [shown]);
  const customer = customers.byId.get(selection.customerId ?? '');
  const byCustomer = shown?.request.groupBy === 'customer_id';
  const labelOf = useMemo(() => (value: string) => (byCustomer && customers.byId.has(value) ? customerLabel(customers.byId.get(value)) : value), [byCustomer, customers.byId]);

  if (meters.data && meters.data.length === 0) {
    return (
      <>
        <PageHeader title="Usage" />
        <Empty>
          No meters yet. <Link to="/meters/new">Create a meter</Link> to see usage.
        </Empty>
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="Usage"
        subtitle={selection.meter ? `${selection.meter.name ?? selection.meter.slug} · ${unitOf(selection.meter)} · ${customer ? customerLabel(customer) : 'all customers'}` : undefined}
        actions={
          <>
            <label class="toggle" title={`Re-query every ${liveRefreshMs / 1000} s; the range moves with the clock`}>
              <input type="checkbox" name="live" checked={live} onChange={(e) => setLive(e.currentTarget.checked)} />
              <span class={live ? 'live-dot on' : 'live-dot'} /> Live
            </label>
            <button type="button" onClick={usage.reload}>
              Refresh
            </button>
            <button type="button" class="primary" disabled={!shown} onClick={() => shown && downloadText(`${shown.request.meterSlug}.csv`, usageCsv(rows, shown.request.groupBy))}>
              Download CSV
            </button>
          </>
        }
      />
      <UsageControls selection={selection} meters={meters.data ?? []} customers={customers.data ?? []} onChange={(values) => setQuery(values)} />
      <ErrorBanner error={meters.error ?? usage.error} />
      {shown && series && selection.meter && (
        <>
          <div class="summary">
            <div class="stat">
              <span class="stat-label">Total</span>
              <span class="stat-value" data-testid="usage-total">
                {shown.total === undefined ? '0' : formatNumber(shown.total)}
              </span>
              <span class="stat-hint">
                {formatTime(new Date(shown.request.from).toISOString(), shown.request.timeZone)} – {formatTime(new Date(shown.request.to).toISOString(), shown.request.timeZone)} {shown.request.timeZone}
              </span>
            </div>
            <div class="stat">
              <span class="stat-label">Windows with usage</span>
              <span class="stat-value">{new Set(rows.map((r) => r.windowStart)).size}</span>
              <span class="stat-hint">{shown.request.windowSize.toLowerCase()} windows</span>
            </div>
          </div>
          <Card title="Over time">
            {rows.length === 0 ? <Empty>No usage in this range.</Empty> : <UsageChart series={series} labelOf={labelOf} end={shown.request.to} timeZone={shown.request.timeZone} windowSize={shown.request.windowSize} unit={unitOf(selection.meter)} />}
          </Card>
          <UsageTables usage={shown} rows={rows} labelOf={labelOf} />
        </>
      )}
    </>
  );
}
