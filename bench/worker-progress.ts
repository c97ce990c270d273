/** Events the worker has handled (materialized, duplicate or parked), read from its /metrics. */
export async function workerHandled(workerUrl: string): Promise<number> {
  const text = await (await fetch(`${workerUrl}/metrics`)).text();
  let total = 0;
  for (const name of ['tally_worker_events_materialized_total', 'tally_worker_duplicates_skipped_total', 'tally_worker_events_parked_total']) {
    const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text);
    total += Number(match?.[1] ?? 0);
  }
  return total;
}
