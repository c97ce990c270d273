import { useEffect, useRef } from 'preact/hooks';
import uPlot, { type AlignedData, type Options } from 'uplot';
import type { WindowSize } from '../api/types.js';
import { formatNumber } from '../ui/format.js';
import { createAxisLabels } from './axis-labels.js';
import type { Series } from './usage-series.js';

const palette = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626', '#0891b2', '#db2777', '#4d7c0f', '#475569', '#c2410c'];

export function colorOf(index: number): string {
  return palette[index % palette.length]!;
}

/**
 * uPlot (small, canvas, fast with thousands of points) drawing one series per
 * group; the time axis is drawn in the query's zone and runs to `end` (epoch
 * ms, the range's end). One series draws as bars (usage per window), several
 * as lines.
 */
export function UsageChart({ series, labelOf, end, timeZone, windowSize, unit }: { series: Series; labelOf: (value: string) => string; end: number; timeZone: string; windowSize: WindowSize; unit: string }) {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const bars = series.groups.length === 1;
    const axisLabels = createAxisLabels(timeZone);
    const options: Options = {
      width: Math.max(320, element.clientWidth),
      height: 320,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), timeZone),
      cursor: { drag: { x: false, y: false } },
      legend: { show: series.groups.length > 1 },
      // The axis spans the whole range: a bar fills its window, from its start to the next one.
      scales: { x: { time: true, range: (_u, min) => [series.x[0] ?? min, end / 1000] }, y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
      axes: [
        { stroke: '#64748b', grid: { stroke: '#eef2f7' }, ticks: { stroke: '#e2e8f0' }, values: (_u, ticks) => axisLabels(ticks), size: 44 },
        { stroke: '#64748b', grid: { stroke: '#eef2f7' }, ticks: { stroke: '#e2e8f0' }, size: 64, values: (_u, ticks) => ticks.map((t) => formatNumber(t)), label: unit, labelSize: 18 },
      ],
      series: [
        { label: windowSize.toLowerCase() },
        ...series.groups.map((group, i) => ({
          label: group.label === '' ? '(none)' : labelOf(group.label),
          stroke: colorOf(i),
          width: bars ? 0 : 2,
          fill: bars ? `${colorOf(i)}cc` : `${colorOf(i)}14`,
          points: { show: !bars && series.x.length <= 60 },
          paths: bars ? uPlot.paths.bars!({ size: [0.7, 48], align: 1 }) : undefined,
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatNumber(v)),
        })),
      ],
    };
    const data = [series.x, ...series.groups.map((g) => g.values)] as AlignedData;
    const chart = new uPlot(options, data, element);
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(320, element.clientWidth), height: 320 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [series, labelOf, end, timeZone, windowSize, unit]);

  return <div class="chart" ref={host} data-testid="usage-chart" />;
}
