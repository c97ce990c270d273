import type { ApiClient } from '../api/api-client.js';
import type { MeterQueryResult, MeterQueryRow, WindowSize } from '../api/types.js';

export interface UsageRequest {
  meterSlug: string;
  customerId?: string;
  windowSize: WindowSize;
  timeZone: string;
  groupBy?: string;
  /** Epoch ms, aligned to windows. */
  from: number;
  to: number;
}

export interface Usage {
  request: UsageRequest;
  /** One row per window and group, as the API returned them. */
  rows: MeterQueryRow[];
  /** One row per group over the whole range (the meter's own aggregation, not a sum of windows). */
  groupTotals: MeterQueryRow[];
  /** The whole range, all groups together; undefined when nothing was metered. */
  total: number | undefined;
}

/**
 * Three v1 meter queries over the same range: by window (the chart and the
 * table), and without a window per group and overall (the totals), so AVG,
 * MAX, UNIQUE_COUNT and LATEST totals are exact rather than re-aggregated here.
 */
export async function loadUsage(api: ApiClient, request: UsageRequest): Promise<Usage> {
  const path = `/api/v1/meters/${encodeURIComponent(request.meterSlug)}/query`;
  const common = {
    from: new Date(request.from).toISOString(),
    to: new Date(request.to).toISOString(),
    windowTimeZone: request.timeZone,
    filterCustomerId: request.customerId ? [request.customerId] : undefined,
  };
  const groupBy = request.groupBy ? [request.groupBy] : undefined;
  const [windows, groups, overall] = await Promise.all([
    api.get<MeterQueryResult>(path, { ...common, windowSize: request.windowSize, groupBy }),
    groupBy ? api.get<MeterQueryResult>(path, { ...common, groupBy }) : undefined,
    api.get<MeterQueryResult>(path, common),
  ]);
  return { request, rows: windows.data, groupTotals: groups?.data ?? overall.data, total: overall.data[0]?.value };
}
