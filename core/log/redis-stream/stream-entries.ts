import type { ConsumedRecord } from '../event-log.js';
import { decodeRecord } from '../log-payload.js';

/** An entry as XREADGROUP / XAUTOCLAIM return it; fields are null when the entry was trimmed away. */
export type RawEntry = [id: string, fields: string[] | null];

export interface DecodedEntries {
  records: ConsumedRecord[];
  /** Ids to acknowledge without handling: trimmed or not written by Tally. */
  unusable: Array<{ id: string; error: unknown }>;
  ids: string[];
}

function fieldsToObject(fields: string[]): Record<string, string> {
  const object: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) object[fields[i] as string] = fields[i + 1] as string;
  return object;
}

export function decodeEntries(entries: readonly RawEntry[]): DecodedEntries {
  const decoded: DecodedEntries = { records: [], unusable: [], ids: [] };
  for (const [id, fields] of entries) {
    decoded.ids.push(id);
    if (fields === null) {
      decoded.unusable.push({ id, error: new Error('entry was trimmed from the stream') });
      continue;
    }
    try {
      const { ns, ingested_at, event } = fieldsToObject(fields);
      decoded.records.push({ record: decodeRecord({ namespace: ns, ingestedAt: ingested_at, event }), position: id });
    } catch (error) {
      decoded.unusable.push({ id, error });
    }
  }
  return decoded;
}

/** XREADGROUP reply: [[stream, entries]] or null when BLOCK timed out. */
export function entriesOfRead(reply: unknown): RawEntry[] {
  const streams = reply as Array<[string, RawEntry[]]> | null;
  return streams?.[0]?.[1] ?? [];
}

/** XAUTOCLAIM reply: [nextCursor, entries, deletedIds]. */
export function entriesOfClaim(reply: unknown): { cursor: string; entries: RawEntry[] } {
  const [cursor, entries] = reply as [string, RawEntry[]];
  return { cursor, entries };
}

/** XINFO GROUPS reply for one group, as an object. */
export function groupInfo(reply: unknown, group: string): Record<string, unknown> | undefined {
  for (const flat of reply as unknown[][]) {
    const info: Record<string, unknown> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) info[String(flat[i])] = flat[i + 1];
    if (info.name === group) return info;
  }
  return undefined;
}
