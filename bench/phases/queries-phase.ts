import { progress, type BenchContext } from '../bench-context.js';
import { customerIdOf, historyDays } from '../bench-fixtures.js';
import { createHttpClient, expectStatus } from '../http-client.js';
import { runLoad } from '../load.js';
import type { Deployment } from './pipeline.js';

const hourMs = 3_600_000;

/**
 * Phase 5: closed-loop meter queries against the api process, for a
 * customer with 30 days of hourly history: a 30-day hourly query (720
 * windows) and 30 days by day in America/New_York. Target p99 ≤ 10 ms.
 */
export async function runQueriesPhase(context: BenchContext, deployment: Deployment): Promise<void> {
  const id = await customerIdOf(deployment.urls.api, context.adminToken, 0);
  const to = Math.ceil(Date.now() / hourMs) * hourMs;
  const from = to - historyDays * 24 * hourMs;
  const range = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&filterCustomerId=${id}`;
  const queries = [
    { name: '30 days hourly', path: `/api/v1/meters/bench_requests/query?${range}&windowSize=HOUR` },
    { name: '30 days by day, New York', path: `/api/v1/meters/bench_latency_by_model/query?${range}&windowSize=DAY&windowTimeZone=America/New_York&groupBy=model` },
  ];
  for (const query of queries) {
    const check = await createHttpClient(deployment.urls.api, context.adminToken).request('GET', query.path);
    expectStatus(check, 200, `query ${query.name}`);
    progress(`queries (${deployment.log}): ${query.name}`);
    const api = deployment.processes.api;
    const cpuBefore = api?.cpuSeconds() ?? 0;
    const result = await runLoad({
      url: `${deployment.urls.api}${query.path}`,
      token: context.adminToken,
      connections: 4,
      durationSec: Math.min(context.options.durationSec, 5),
      eventsPerRequest: 1,
    });
    const windows = (JSON.parse(check.text) as { data: unknown[] }).data.length;
    const note = `${windows} windows${result.failures ? `, ${result.failures} failed` : ''}`;
    const { log } = deployment;
    context.record({ phase: 'queries', log, name: `${query.name} p50`, value: result.p50Ms, unit: 'ms', note });
    context.record({ phase: 'queries', log, name: `${query.name} p99`, value: result.p99Ms, unit: 'ms', target: { value: 10, kind: 'max' } });
    context.record({ phase: 'queries', log, name: query.name, value: result.requestsPerSec, unit: 'req/s' });
    // CPU per query of the api process: a busy machine inflates it far less than it inflates latency.
    const answered = result.completed;
    if (api && answered > 0) context.record({ phase: 'queries', log, name: `${query.name}, api CPU`, value: ((api.cpuSeconds() - cpuBefore) * 1000) / answered, unit: 'ms/query' });
  }
}
