import { meetsTarget, targetRatio, type Figure } from './figures.js';

const formatNumber = (value: number, unit: string): string => {
  if (!Number.isFinite(value)) return String(value);
  if (unit === 'ms' || unit === 'ms/query' || unit === 'µs/event') return value < 10 ? value.toFixed(2) : value.toFixed(1);
  if (unit === 'B' || unit === 'B/event' || unit === 'B/day') return value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US');
  if (unit === 'MiB') return value.toFixed(1);
  return Math.round(value).toLocaleString('en-US');
};

function targetCell(figure: Figure): string {
  const { target } = figure;
  if (!target) return '';
  const ratio = targetRatio(figure) ?? 0;
  const sign = target.kind === 'min' ? '≥' : '≤';
  return `${sign} ${formatNumber(target.value, figure.unit)} ${target.unit ?? figure.unit}: ${ratio.toFixed(2)}× ${meetsTarget(figure) ? 'ok' : 'MISSED'}`;
}

/** The Markdown table `make bench` prints and the docs quote. */
export function renderTable(figures: readonly Figure[]): string {
  const header = ['phase', 'log', 'figure', 'value', 'target (ratio)', 'of ceiling'];
  const rows = figures.map((f) => [
    f.phase,
    f.log ?? '—',
    f.note ? `${f.name} (${f.note})` : f.name,
    `${formatNumber(f.value, f.unit)} ${f.unit}`,
    targetCell(f),
    f.ofCeiling === undefined ? '' : `${(f.ofCeiling * 100).toFixed(0)}%`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
