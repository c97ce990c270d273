import { Counter, type Metric, type Registry } from 'prom-client';

/**
 * Counters and histograms whose per-request recording is a few plain
 * additions, folded into the exported metrics only when `/metrics` is
 * scraped. prom-client validates and hashes the label set of every
 * `inc`/`observe` (~1 µs each, four per ingest request); here a request
 * pays a map lookup. The exposition is prom-client's own format.
 */
export interface LocalCounter<L extends string> {
  inc(labels: Readonly<Record<L, string>>, value?: number): void;
}

export interface LocalHistogram<L extends string> {
  observe(labels: Readonly<Record<L, string>>, value: number): void;
}

interface MetricConfig<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  registers: Registry[];
}

/** The map key of a label set: its values in `labelNames` order. */
function keyOf<L extends string>(labelNames: readonly L[], labels: Readonly<Record<L, string>>): string {
  let key = '';
  for (const name of labelNames) key += `${labels[name]}\u0000`;
  return key;
}

/** A prom-client Counter that takes what was counted since the last scrape from plain sums. */
export function createLocalCounter<L extends string>(config: MetricConfig<L>): LocalCounter<L> {
  const pending = new Map<string, { labels: Record<L, string>; value: number }>();
  new Counter<L>({
    ...config,
    labelNames: [...config.labelNames],
    collect() {
      for (const entry of pending.values()) {
        if (entry.value === 0) continue;
        this.inc(entry.labels, entry.value);
        entry.value = 0;
      }
    },
  });
  return {
    inc(labels, value = 1) {
      const key = keyOf(config.labelNames, labels);
      const entry = pending.get(key);
      if (entry) entry.value += value;
      else pending.set(key, { labels: { ...labels }, value });
    },
  };
}

interface Series<L extends string> {
  labels: Record<L, string>;
  /** Observations per bucket (not cumulative); the last one is +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

/** A histogram (`_bucket`, `_sum`, `_count`) registered as a collector of its own. */
export function createLocalHistogram<L extends string>(config: MetricConfig<L> & { buckets: readonly number[] }): LocalHistogram<L> {
  const { name, help, labelNames, buckets } = config;
  const series = new Map<string, Series<L>>();
  const collector = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    get() {
      const values: Array<{ labels: object; sharedLabels?: object; value: number; metricName: string }> = [];
      for (const { labels, counts, sum, count } of series.values()) {
        let cumulative = 0;
        buckets.forEach((le, i) => {
          cumulative += counts[i]!;
          values.push({ labels: { le }, sharedLabels: labels, value: cumulative, metricName: `${name}_bucket` });
        });
        values.push({ labels: { le: '+Inf' }, sharedLabels: labels, value: count, metricName: `${name}_bucket` });
        values.push({ labels: {}, sharedLabels: labels, value: sum, metricName: `${name}_sum` });
        values.push({ labels: {}, sharedLabels: labels, value: count, metricName: `${name}_count` });
      }
      return { name, help, type: 'histogram', values, aggregator: 'sum' };
    },
    reset() {
      series.clear();
    },
  };
  // The registry asks a metric only for its name, get() and reset(); its type admits prom-client's classes alone.
  for (const registry of config.registers) registry.registerMetric(collector as unknown as Metric);
  return {
    observe(labels, value) {
      const key = keyOf(labelNames, labels);
      let entry = series.get(key);
      if (!entry) {
        entry = { labels: { ...labels }, counts: new Array<number>(buckets.length + 1).fill(0), sum: 0, count: 0 };
        series.set(key, entry);
      }
      let bucket = 0;
      while (bucket < buckets.length && value > buckets[bucket]!) bucket++;
      entry.counts[bucket]!++;
      entry.sum += value;
      entry.count++;
    },
  };
}
