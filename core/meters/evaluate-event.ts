import type { CloudEvent } from '../events/cloud-event.js';
import { compileJsonPath, type JsonPathAccessor } from './json-path.js';
import type { Meter } from './meter.js';
import { parseFloat64 } from './parse-float64.js';

/** What one event contributes to one meter. */
export interface MeterContribution {
  meter: Meter;
  /** The event's `subject` plus every meter groupBy key (missing paths give ""). */
  dimensions: Record<string, string>;
  /** COUNT: 1; UNIQUE_COUNT: the value as a string; others: the number. */
  value: number | string;
  /** Event time in epoch ms (LATEST orders by it; buckets are chosen by it). */
  timeMs: number;
}

export interface EventEvaluation {
  contributions: MeterContribution[];
  /** OpenMeter's messages, exactly (compat.md §Events feed). */
  errors: string[];
}

interface CompiledMeter {
  value: JsonPathAccessor | undefined;
  groupBy: Array<[string, JsonPathAccessor]>;
  eventFromMs: number;
}

/**
 * Evaluates events against meters with OpenMeter's semantics. Meter paths
 * are compiled once per meter object: the registry hands out the same
 * objects until a definition changes, and dropped ones are collected.
 */
export function createEventEvaluator() {
  const compiled = new WeakMap<Meter, CompiledMeter>();

  const compile = (meter: Meter): CompiledMeter => {
    let entry = compiled.get(meter);
    if (!entry) {
      entry = {
        value: meter.valueProperty === undefined ? undefined : compileJsonPath(meter.valueProperty),
        groupBy: Object.entries(meter.groupBy).map(([key, path]) => [key, compileJsonPath(path)]),
        eventFromMs: meter.eventFrom === undefined ? Number.NEGATIVE_INFINITY : Date.parse(meter.eventFrom),
      };
      compiled.set(meter, entry);
    }
    return entry;
  };

  return function evaluateEvent(event: CloudEvent, meters: readonly Meter[]): EventEvaluation {
    if (meters.length === 0) return { contributions: [], errors: [`no meter found for event type: ${event.type}`] };
    const timeMs = Date.parse(event.time);
    const contributions: MeterContribution[] = [];
    const errors: string[] = [];
    for (const meter of meters) {
      const { value: valueAt, groupBy, eventFromMs } = compile(meter);
      if (timeMs < eventFromMs) continue;
      const value = valueAt === undefined ? 1 : extractValue(meter, valueAt(event.data), errors);
      if (value === undefined) continue;
      const dimensions: Record<string, string> = { subject: event.subject };
      for (const [key, at] of groupBy) dimensions[key] = groupValue(at(event.data));
      contributions.push({ meter, dimensions, value, timeMs });
    }
    return { contributions, errors };
  };
}

export type EvaluateEvent = ReturnType<typeof createEventEvaluator>;

function extractValue(meter: Meter, raw: unknown, errors: string[]): number | string | undefined {
  const fail = (message: string) => {
    // Several meters of one type may fail the same way; the feed shows each message once.
    const full = `invalid event: ${message}`;
    if (!errors.includes(full)) errors.push(full);
    return undefined;
  };
  if (raw === undefined) return fail(`missing value property: "${meter.valueProperty}"`);
  if (raw === null) return fail('value cannot be null');
  if (meter.aggregation === 'UNIQUE_COUNT') return typeof raw === 'string' ? raw : JSON.stringify(raw);
  let value: number | undefined;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'string') value = parseFloat64(raw);
  if (value === undefined) return fail(`value cannot be parsed as float64: ${typeof raw === 'string' ? raw : JSON.stringify(raw)}`);
  if (Number.isNaN(value)) return fail('value cannot be NaN');
  if (!Number.isFinite(value)) return fail('value cannot be infinity');
  return value;
}

/** Scalars as text, anything else (missing, null, objects) groups as "" like OpenMeter's JSON_VALUE. */
function groupValue(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return '';
}
