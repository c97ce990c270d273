import { readFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { TallyError } from '../http/tally-error.js';
import type { MeterInput, MeterRegistry } from './meter-registry.js';
import { validateMeterInput } from './meter-validation.js';

/**
 * `TALLY_METERS_FILE`: meters declared in YAML or JSON (YAML parses both),
 * either a list or `{ meters: [...] }`. Applied at start, keyed by slug:
 * missing meters are created, name/description/groupBy of existing ones are
 * brought in line, and a change to an immutable field (aggregation,
 * eventType, eventFrom, valueProperty) stops the start naming the meter -
 * silently keeping or rewriting a billing meter would be worse. Meters
 * created through the API and absent from the file are left alone.
 */
export class MetersFileError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`meters file ${file}:\n  ${problems.join('\n  ')}`);
    this.name = 'MetersFileError';
  }
}

const IMMUTABLE = ['aggregation', 'eventType', 'eventFrom', 'valueProperty'] as const;

export async function readMetersFile(file: string): Promise<MeterInput[]> {
  let document: unknown;
  try {
    document = parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new MetersFileError(file, [error instanceof Error ? error.message : String(error)]);
  }
  const entries: unknown = Array.isArray(document) ? document : (document as { meters?: unknown } | null)?.meters;
  if (!Array.isArray(entries)) throw new MetersFileError(file, ['expected a list of meters or an object with a "meters" list']);

  const problems: string[] = [];
  const meters: MeterInput[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const label = `meters[${index}]${typeof entry?.slug === 'string' ? ` (${entry.slug})` : ''}`;
    try {
      const meter = validateMeterInput(entry);
      if (seen.has(meter.slug)) problems.push(`${label}: slug declared twice`);
      seen.add(meter.slug);
      meters.push(meter);
    } catch (error) {
      if (!(error instanceof TallyError)) throw error;
      problems.push(`${label}: ${error.invalidParameters.map((p) => `${p.field}: ${p.reason}`).join('; ')}`);
    }
  });
  if (problems.length > 0) throw new MetersFileError(file, problems);
  return meters;
}

export interface AppliedMeters {
  created: string[];
  updated: string[];
  unchanged: string[];
}

export async function applyMeters({ registry, meters, file }: { registry: MeterRegistry; meters: readonly MeterInput[]; file: string }): Promise<AppliedMeters> {
  const applied: AppliedMeters = { created: [], updated: [], unchanged: [] };
  const problems: string[] = [];
  for (const wanted of meters) {
    let current = await registry.get(wanted.slug);
    if (!current) {
      try {
        await registry.create(wanted);
        applied.created.push(wanted.slug);
        continue;
      } catch (error) {
        // Another replica starting at the same moment created it first.
        if (!(error instanceof TallyError && error.code === 'CONFLICT')) throw error;
        current = await registry.get(wanted.slug);
        if (!current) throw error;
      }
    }
    const changed = IMMUTABLE.filter((field) => current[field] !== wanted[field]);
    if (changed.length > 0) {
      const diffs = changed.map((field) => `${field} is ${JSON.stringify(current[field])} in Redis, ${JSON.stringify(wanted[field])} in the file`);
      problems.push(`meter "${wanted.slug}" (${current.id}): ${diffs.join('; ')} (immutable: delete the meter or use a new slug)`);
      continue;
    }
    const update = { name: wanted.name, description: wanted.description ?? current.description, groupBy: wanted.groupBy ?? {} };
    if (current.name === update.name && current.description === update.description && isDeepStrictEqual(current.groupBy, update.groupBy)) {
      applied.unchanged.push(wanted.slug);
      continue;
    }
    await registry.update(current.id, update);
    applied.updated.push(wanted.slug);
  }
  if (problems.length > 0) throw new MetersFileError(file, problems);
  return applied;
}

/** Reads `file` and applies it; what the composition root calls at start when TALLY_METERS_FILE is set. */
export async function loadMetersFile({ registry, file }: { registry: MeterRegistry; file: string }): Promise<AppliedMeters> {
  return applyMeters({ registry, meters: await readMetersFile(file), file });
}
