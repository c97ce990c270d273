import type { HourInfo } from './hour-info.js';

/**
 * One apply script call being built (the layout is described in
 * `apply-script.ts`): the customers it names (their bases are its KEYS), the groups and
 * hours it refers to by number, and its events, later sent as one JSON text.
 */
export interface ApplyPayload {
  /** Customer id -> its index in KEYS. */
  customers: Map<string, number>;
  groups: Map<string, number>;
  /** Hour start -> its index in `hourValues` (six values per hour). */
  hours: Map<number, number>;
  hourValues: Array<string | number>;
  /** The events' values, flat. */
  values: Array<string | number | Array<string | number>>;
  eventCount: number;
}

export function createApplyPayload(): ApplyPayload {
  return { customers: new Map(), groups: new Map(), hours: new Map(), hourValues: [], values: [], eventCount: 0 };
}

/** `key`'s 1-based index in `map`, added when new. */
export function indexIn(map: Map<string, number>, key: string): number {
  let index = map.get(key);
  if (index === undefined) {
    index = map.size + 1;
    map.set(key, index);
  }
  return index;
}

export function hourIndex(payload: ApplyPayload, hourStart: number, hour: HourInfo): number {
  let index = payload.hours.get(hourStart);
  if (index === undefined) {
    index = payload.hours.size + 1;
    payload.hours.set(hourStart, index);
    const { keyTimes, fields } = hour;
    payload.hourValues.push(hour.hourPart, keyTimes[0] ?? '', keyTimes[1] ?? '', keyTimes[2] ?? '', String(fields[1] ?? ''), String(fields[2] ?? ''));
  }
  return index;
}

/** Whether HINCRBY can add `value` (HINCRBYFLOAT takes the rest): an integer well inside int64. */
export function isIntegral(value: number | string): boolean {
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 1e15;
}

/** A meter value as the script takes it: the text JavaScript prints for it (HINCRBYFLOAT parses it exactly). */
export function scriptValue(value: number | string): string {
  if (typeof value === 'number') return String(value);
  // cjson refuses lone surrogates in a JSON text; written as UTF-8 they became U+FFFD anyway.
  const text = value as string & WellFormed;
  return text.isWellFormed() ? value : text.toWellFormed();
}

/** ES2024 string methods (Node 20 has them; the project's TypeScript lib is ES2022). */
interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/** The script's single argument, one JSON array: header, groups, hours, then the events. */
export function payloadJson(payload: ApplyPayload, uniqueExactLimit: number): string {
  const { groups, hours, hourValues, values, eventCount } = payload;
  const list = (items: readonly unknown[]) => (items.length === 0 ? '' : `,${JSON.stringify(items).slice(1, -1)}`);
  return `[${uniqueExactLimit},${eventCount},${groups.size},${hours.size}${list([...groups.keys()])}${list(hourValues)}${list(values)}]`;
}
