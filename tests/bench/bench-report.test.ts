import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBenchOptions } from '../../bench/bench-options.js';
import { meetsTarget, targetRatio, type Figure } from '../../bench/figures.js';
import { renderTable } from '../../bench/report-table.js';

test('options: defaults run every phase on both logs; --quick shortens and writes elsewhere', () => {
  const full = parseBenchOptions([]);
  assert.deepEqual(full.logs, ['kafka', 'stream']);
  assert.deepEqual(full.phases, ['ceiling', 'ingest', 'worker', 'end-to-end', 'queries', 'memory']);
  assert.equal(full.resultsFile, 'bench/results.json');
  const quick = parseBenchOptions(['--quick', '--logs=stream', '--phases=ceiling,ingest', '--tally-env=TALLY_LOG_SEND_LANES=2,LOG_LEVEL=a=b']);
  assert.equal(quick.durationSec, 3);
  assert.deepEqual(quick.logs, ['stream']);
  assert.deepEqual(quick.phases, ['ceiling', 'ingest']);
  assert.notEqual(quick.resultsFile, 'bench/results.json');
  assert.deepEqual(quick.tallyEnv, { TALLY_LOG_SEND_LANES: '2', LOG_LEVEL: 'a=b' });
});

test('options: unknown flags, phases, logs and malformed env are refused with the usage', () => {
  assert.throws(() => parseBenchOptions(['--fast']), /unknown flag --fast/);
  assert.throws(() => parseBenchOptions(['quick']), /unknown argument/);
  assert.throws(() => parseBenchOptions(['--phases=ingest,warp']), /unknown "warp"/);
  assert.throws(() => parseBenchOptions(['--logs=rabbit']), /unknown "rabbit"/);
  assert.throws(() => parseBenchOptions(['--tally-env=lower=1']), /NAME=value/);
});

const figure = (overrides: Partial<Figure>): Figure => ({ phase: 'ingest', log: 'kafka', name: 'x', value: 50, unit: 'req/s', ...overrides });

test('target ratios are ≥ 1 exactly when the target holds, for minimums and maximums', () => {
  assert.equal(targetRatio(figure({ value: 150, target: { value: 100, kind: 'min' } })), 1.5);
  assert.equal(meetsTarget(figure({ value: 99, target: { value: 100, kind: 'min' } })), false);
  assert.equal(targetRatio(figure({ value: 20, unit: 'ms', target: { value: 10, kind: 'max' } })), 0.5);
  assert.equal(meetsTarget(figure({ value: 10, unit: 'ms', target: { value: 10, kind: 'max' } })), true);
  assert.equal(meetsTarget(figure({})), undefined);
});

test('the table shows value, target with ratio and verdict, and share of the ceiling', () => {
  const table = renderTable([
    figure({ name: 'batch of 100', value: 123_456, unit: 'events/s', target: { value: 100_000, kind: 'min' }, ofCeiling: 0.25 }),
    figure({ phase: 'queries', name: 'p99', value: 12.5, unit: 'ms', target: { value: 10, kind: 'max' }, note: '720 windows' }),
  ]);
  const [header, rule, first, second] = table.split('\n');
  assert.match(header!, /^\| phase +\| log +\| figure/);
  assert.match(rule!, /^\| -+ \| -+ \|/);
  assert.match(first!, /123,456 events\/s.*≥ 100,000 events\/s: 1\.23× ok.*25%/);
  assert.match(second!, /p99 \(720 windows\).*12\.5 ms.*≤ 10\.0 ms: 0\.80× MISSED/);
});
