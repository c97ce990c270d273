import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Counter, Histogram, Registry } from 'prom-client';
import { createLocalCounter, createLocalHistogram } from '../../../core/http/local-metrics.js';

const buckets = [0.001, 0.01, 0.1, 1];
const observations: Array<[outcome: string, seconds: number]> = [
  ['ok', 0.0005],
  ['ok', 0.001],
  ['ok', 0.05],
  ['failed', 5],
  ['ok', 0.3],
];

test('the exposition equals prom-client’s for the same counts and observations', async () => {
  const reference = new Registry();
  const referenceCounter = new Counter({ name: 'c_total', help: 'c', labelNames: ['api', 'reason'], registers: [reference] });
  const referenceHistogram = new Histogram({ name: 'h_seconds', help: 'h', labelNames: ['outcome'], buckets, registers: [reference] });
  const local = new Registry();
  const counter = createLocalCounter({ name: 'c_total', help: 'c', labelNames: ['api', 'reason'], registers: [local] });
  const histogram = createLocalHistogram({ name: 'h_seconds', help: 'h', labelNames: ['outcome'], buckets, registers: [local] });

  for (const [api, reason, n] of [['v1', 'bad_request', 3], ['v3', 'bad_request', 1], ['v1', 'bad_request', 2]] as const) {
    referenceCounter.inc({ api, reason }, n);
    counter.inc({ api, reason }, n);
  }
  for (const [outcome, seconds] of observations) {
    referenceHistogram.observe({ outcome }, seconds);
    histogram.observe({ outcome }, seconds);
  }
  assert.equal(await local.metrics(), await reference.metrics());
});

test('counts made between scrapes add up, and a scrape does not count twice', async () => {
  const registry = new Registry();
  const counter = createLocalCounter({ name: 'n_total', help: 'n', labelNames: ['api'], registers: [registry] });
  counter.inc({ api: 'v1' });
  assert.match(await registry.metrics(), /^n_total\{api="v1"\} 1$/m);
  assert.match(await registry.metrics(), /^n_total\{api="v1"\} 1$/m, 'a second scrape without new counts');
  counter.inc({ api: 'v1' }, 4);
  counter.inc({ api: 'v3' });
  const text = await registry.metrics();
  assert.match(text, /^n_total\{api="v1"\} 5$/m);
  assert.match(text, /^n_total\{api="v3"\} 1$/m);
});
