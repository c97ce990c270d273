import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What a reliability test proved: one line of the README's Reliability section. */
export interface ReliabilityEntry {
  kind: 'fault' | 'bad-input' | 'fuzz' | 'security';
  name: string;
  held: boolean;
  /** Measured figures: events acknowledged, cases tried, runs, bytes of growth... */
  figures: Record<string, number | string>;
  error?: string;
}

export const summaryDir = fileURLToPath(new URL('../output/reliability/', import.meta.url));

/** Writes a process log beside the summaries; the folder may not exist yet on a fresh clone (a test can finish before any summary is written). */
export function writeDiagnostic(file: string, text: string): void {
  mkdirSync(summaryDir, { recursive: true });
  writeFileSync(`${summaryDir}${file}`, text);
}

/**
 * Collects what one test file tried and whether it held, and writes it to
 * `tests/output/reliability/<file>.json` for `make reliability-report`.
 * Only what a test really ran is recorded: a test that fails is recorded as
 * not held, with its error.
 */
export function createReliabilitySummary(file: string) {
  const entries: ReliabilityEntry[] = [];
  return {
    /** Runs `body`, recording it as held with the figures it returns, or as not held with its error (then rethrows). */
    async track(kind: ReliabilityEntry['kind'], name: string, body: () => Promise<Record<string, number | string>>): Promise<void> {
      try {
        entries.push({ kind, name, held: true, figures: await body() });
      } catch (error) {
        entries.push({ kind, name, held: false, figures: {}, error: String((error as Error)?.message ?? error).slice(0, 300) });
        throw error;
      }
    },
    write(): void {
      mkdirSync(summaryDir, { recursive: true });
      writeFileSync(`${summaryDir}${file}.json`, `${JSON.stringify({ file, writtenAt: new Date().toISOString(), entries }, null, 2)}\n`);
    },
  };
}
