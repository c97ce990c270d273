import type { Redis } from 'ioredis';

/** Entries one consumer of the group read and has not acknowledged. */
export async function consumerPending(client: Redis, stream: string, consumer: string, group = 'tally-worker'): Promise<number> {
  const consumers = (await client.xinfo('CONSUMERS', stream, group)) as Array<Array<string | number>>;
  for (const fields of consumers) {
    if (fields[fields.indexOf('name') + 1] === consumer) return Number(fields[fields.indexOf('pending') + 1]);
  }
  return 0;
}

/** Entries delivered to a consumer of the group but not yet acknowledged, plus those not delivered yet. */
export async function pendingCount(client: Redis, stream: string): Promise<number> {
  const groups = (await client.xinfo('GROUPS', stream)) as Array<Array<string | number>>;
  let total = 0;
  for (const group of groups) {
    const fields = new Map<string, string | number>();
    for (let i = 0; i < group.length; i += 2) fields.set(String(group[i]), group[i + 1]!);
    total += Number(fields.get('pending') ?? 0) + Number(fields.get('lag') ?? 0);
  }
  return total;
}
