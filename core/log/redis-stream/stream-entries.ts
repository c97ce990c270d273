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

/** A field's value (the last when repeated), read in place: no object per entry. */
function fieldOf(fields: string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) value = fields[i + 1];
  return value;
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
      const record = decodeRecord({ namespace: fieldOf(fields, 'ns'), ingestedAt: fieldOf(fields, 'ingested_at'), event: fieldOf(fields, 'event') });
      decoded.records.push({ record, position: id });
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
