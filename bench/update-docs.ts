import { readFileSync, writeFileSync } from 'node:fs';

/**
 * `node --import tsx bench/update-docs.ts [bench/results.json]`: puts the
 * table of a results file into README.md and docs/bench.md between their
 * bench-table markers, with the date and the machine's load during the run.
 */
interface Results {
  date: string;
  durationSec: number;
  table: string;
  failures?: string[];
  machine: { cpus: number; node: string; loadAverage1m?: { start: number; end: number } };
}

const resultsFile = process.argv[2] ?? 'bench/results.json';
const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as Results;
const { machine } = results;
const load = machine.loadAverage1m ? `, 1-minute load average ${machine.loadAverage1m.start.toFixed(1)}–${machine.loadAverage1m.end.toFixed(1)}` : '';
const failures = (results.failures ?? []).map((failure) => `\nFailed: ${failure}\n`).join('');
const block = [
  '<!-- bench-table -->',
  `${results.date.slice(0, 16).replace('T', ' ')} UTC, ${machine.cpus} cores${load}, Node ${machine.node}, ${results.durationSec} s per load run.`,
  '',
  results.table,
  failures,
  '<!-- /bench-table -->',
].join('\n');
for (const file of ['README.md', 'docs/bench.md']) {
  const text = readFileSync(file, 'utf8');
  if (!text.includes('<!-- /bench-table -->')) throw new Error(`${file} has no bench-table markers`);
  writeFileSync(file, text.replace(/<!-- bench-table -->[\s\S]*<!-- \/bench-table -->/, block));
}
