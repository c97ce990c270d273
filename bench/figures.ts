import type { LogKind, PhaseName } from './bench-options.js';

/** One measured number, with what it is judged against. */
export interface Figure {
  phase: PhaseName;
  /** The log of the run (for the ceiling: the log whose ingest figures it is compared with). */
  log?: LogKind;
  name: string;
  value: number;
  unit: string;
  /** `min`: the value must reach the target; `max`: it must stay under it. */
  target?: { value: number; kind: 'min' | 'max'; unit?: string };
  /** Fraction of the same-run ceiling (throughput figures). */
  ofCeiling?: number;
  note?: string;
}

/** value/target for minimums, target/value for maximums: ≥ 1 always means the target holds. */
export function targetRatio(figure: Figure): number | undefined {
  const { target } = figure;
  if (!target) return undefined;
  if (target.kind === 'min') return figure.value / target.value;
  return figure.value === 0 ? Number.POSITIVE_INFINITY : target.value / figure.value;
}

export function meetsTarget(figure: Figure): boolean | undefined {
  const ratio = targetRatio(figure);
  return ratio === undefined ? undefined : ratio >= 1;
}
