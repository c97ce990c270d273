import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Renders the summaries the reliability tests wrote (tests/output/reliability/*.json)
 * into README.md between `<!-- reliability:start -->` and `<!-- reliability:end -->`,
 * adding a "Reliability" section at the end if the markers are missing.
 * Fails when there is no summary: the section is produced by a test run, never by hand.
 */
interface Entry {
  kind: 'fault' | 'bad-input' | 'fuzz' | 'security';
  name: string;
  held: boolean;
  figures: Record<string, number | string>;
  error?: string;
}
interface Summary {
  file: string;
  writtenAt: string;
  entries: Entry[];
}

const root = fileURLToPath(new URL('../', import.meta.url));
const dir = `${root}tests/output/reliability/`;
const readme = `${root}README.md`;
const start = '<!-- reliability:start -->';
const end = '<!-- reliability:end -->';

const summaries: Summary[] = existsSync(dir)
  ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(dir + f, 'utf8')) as Summary)
  : [];
const entries = summaries.flatMap((s) => s.entries);
if (entries.length === 0) {
  process.stderr.write('no reliability summaries in tests/output/reliability/: run the reliability tests first (make test)\n');
  process.exit(1);
}

const figures = (e: Entry) => Object.entries(e.figures).filter(([k]) => k !== 'requests').map(([k, v]) => `${k} ${v}`).join(', ');
const mark = (e: Entry) => (e.held ? 'held' : `**failed**: ${e.error ?? ''}`.replace(/\s+/g, ' ').replace(/\|/g, '\\|'));
const table = (kind: Entry['kind']) => {
  const rows = entries.filter((e) => e.kind === kind);
  return ['| tried | result | measured |', '| --- | --- | --- |', ...rows.map((e) => `| ${e.name} | ${mark(e)} | ${figures(e)} |`)].join('\n');
};
const times = summaries.map((s) => s.writtenAt).sort();
// The ingest table is the largest set of bad-input cases; the API routes add theirs on top.
const badInput = entries.filter((e) => e.kind === 'bad-input' && 'cases' in e.figures).sort((a, b) => Number(b.figures.cases) - Number(a.figures.cases))[0];
const fuzzRuns = entries.filter((e) => e.kind === 'fuzz').reduce((sum, e) => sum + Number(e.figures.runs ?? 0), 0);
const held = entries.filter((e) => e.held).length;

const section = [
  start,
  `Rendered by \`make reliability-report\` from the summaries the reliability tests (\`tests/reliability/\`) wrote on their last run (${times[0]} to ${times.at(-1)}): ${held} of ${entries.length} checks held.`,
  '',
  `**Faults** (real redis-server, librdkafka's mock Kafka cluster, Tally run as its own processes; each ends with every event acknowledged with a 2xx counted exactly once in the meters):`,
  '',
  table('fault'),
  '',
  `**Bad input**: ${badInput?.figures.cases ?? 0} distinct bad requests (tests/reliability/bad-input-cases.ts) over every ingest path and content type; each must get its 4xx problem+json, publish nothing, and leave the process serving. Property-based fuzz of the decoder and validator: ${fuzzRuns} generated cases.`,
  '',
  table('bad-input'),
  table('fuzz').split('\n').slice(2).join('\n'),
  '',
  '**Security** (every route the routers declare):',
  '',
  table('security'),
  end,
].join('\n');

const text = readFileSync(readme, 'utf8');
const next = text.includes(start) && text.includes(end)
  ? text.slice(0, text.indexOf(start)) + section + text.slice(text.indexOf(end) + end.length)
  : `${text.trimEnd()}\n\n## Reliability\n\nDetails in [docs/reliability.md](docs/reliability.md).\n\n${section}\n`;
writeFileSync(readme, next);
process.stdout.write(`README.md: reliability section from ${summaries.length} summaries, ${entries.length} checks (${held} held)\n`);
