/**
 * The JSONPath subset OpenMeter meters use for `valueProperty` and
 * `groupBy`: a root `$` followed by member names (`.a`, `['a']`, `["a"]`)
 * and array indexes (`[0]`). Paths are compiled once into a list of steps so
 * the worker's per-event cost is a few property reads. Anything else
 * (wildcards, filters, slices, recursive descent) is rejected at compile time
 * rather than silently evaluated differently from OpenMeter.
 */
export type JsonPathAccessor = (data: unknown) => unknown;

export class JsonPathError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`invalid JSONPath "${path}": ${reason}`);
    this.name = 'JsonPathError';
  }
}

type Step = string | number;

const NAME = /^[^.[\]\s'"*?@()]+/;
const INDEX = /^\[(\d+)\]/;
const QUOTED = /^\[\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\]/;

export function parseJsonPath(path: string): Step[] {
  if (!path.startsWith('$')) throw new JsonPathError(path, 'must start with "$"');
  const steps: Step[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    if (rest.startsWith('..')) throw new JsonPathError(path, 'recursive descent ("..") is not supported');
    if (rest.startsWith('.')) {
      const name = NAME.exec(rest.slice(1))?.[0];
      if (name === undefined) throw new JsonPathError(path, `expected a member name after "." at "${rest}"`);
      steps.push(name);
      rest = rest.slice(1 + name.length);
      continue;
    }
    const index = INDEX.exec(rest);
    if (index) {
      steps.push(Number(index[1]));
      rest = rest.slice(index[0].length);
      continue;
    }
    const quoted = QUOTED.exec(rest);
    if (quoted) {
      steps.push((quoted[1] ?? quoted[2] ?? '').replace(/\\(.)/g, '$1'));
      rest = rest.slice(quoted[0].length);
      continue;
    }
    throw new JsonPathError(path, `unsupported syntax at "${rest}" (only .name, ['name'] and [index])`);
  }
  return steps;
}

/** Compiles `path` (throws JsonPathError); the accessor returns undefined for anything missing. */
export function compileJsonPath(path: string): JsonPathAccessor {
  const steps = parseJsonPath(path);
  return (data) => {
    let current: unknown = data;
    for (const step of steps) {
      if (typeof step === 'number') {
        if (!Array.isArray(current)) return undefined;
        current = current[step];
      } else {
        // Own properties only: a path like `$.constructor` must not reach the prototype.
        if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
        if (!Object.hasOwn(current, step)) return undefined;
        current = (current as Record<string, unknown>)[step];
      }
    }
    return current;
  };
}
