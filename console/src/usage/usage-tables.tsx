import type { MeterQueryRow } from '../api/types.js';
import { formatNumber, formatTime } from '../ui/format.js';
import { Card } from '../ui/page.js';
import { colorOf } from './usage-chart.js';
import type { Usage } from './usage-query.js';
import { groupValueOf } from './usage-series.js';

/**
 * Totals per group (same colors and order as the chart) and every row shown,
 * as the CSV has them (`labelOf` names customer ids; the CSV keeps the ids).
 */
export function UsageTables({ usage, rows, labelOf }: { usage: Usage; rows: MeterQueryRow[]; labelOf: (value: string) => string }) {
  const { groupBy, timeZone } = usage.request;
  const totals = [...usage.groupTotals].sort((a, b) => groupValueOf(a, groupBy).localeCompare(groupValueOf(b, groupBy)));
  return (
    <div class="grid-2 usage-grid">
      {groupBy && (
        <Card title={`Totals by ${groupBy}`}>
          <table class="table compact" data-testid="group-totals">
            <thead>
              <tr>
                <th>{groupBy}</th>
                <th class="num">Total</th>
              </tr>
            </thead>
            <tbody>
              {totals.map((row, i) => (
                <tr key={groupValueOf(row, groupBy)}>
                  <td>
                    <span class="swatch" style={{ background: colorOf(i) }} />
                    {labelOf(groupValueOf(row, groupBy)) || <span class="muted">(none)</span>}
                  </td>
                  <td class="num">{formatNumber(row.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
      <Card title="Windows" class={groupBy ? undefined : 'span-2'}>
        <div class="scroll">
          <table class="table compact" data-testid="usage-rows">
            <thead>
              <tr>
                <th>Window start ({timeZone})</th>
                <th>Window end</th>
                {groupBy && <th>{groupBy}</th>}
                <th class="num">Value</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={`${row.windowStart}|${groupValueOf(row, groupBy)}`}>
                  <td class="mono nowrap">{formatTime(row.windowStart, timeZone)}</td>
                  <td class="mono nowrap">{formatTime(row.windowEnd, timeZone)}</td>
                  {groupBy && <td class="nowrap">{labelOf(groupValueOf(row, groupBy)) || <span class="muted">(none)</span>}</td>}
                  <td class="num">{formatNumber(row.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
    </div>
  );
}
