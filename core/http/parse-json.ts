import { TallyError } from './tally-error.js';

export type ElementSpan = [start: number, end: number, index: number];

export interface ParsedJson {
  value: unknown;
  /** [start, end) character spans and index of the top-level array's object/array elements. */
  elementSpans: ElementSpan[];
}

/**
 * JSON.parse with the checks a public endpoint needs: nesting depth is
 * bounded before parsing (a scan, so a deep document never reaches the
 * parser), and `__proto__` keys are refused so no later spread or merge can
 * touch a prototype. A number beyond the double range is refused: JSON.parse
 * would make it Infinity, which the log would then carry as null.
 */
export function parseJson(text: string, maxDepth: number): ParsedJson {
  const { elementSpans, mayOverflow } = scanStructure(text, maxDepth);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TallyError('BAD_REQUEST', `malformed JSON: ${(error as Error).message}`);
  }
  if (text.includes('__proto__') || text.includes('\\u')) rejectProtoKeys(value);
  if (mayOverflow) rejectNonFiniteNumbers(value);
  return { value, elementSpans };
}

interface Structure {
  elementSpans: ElementSpan[];
  /** A number in exponent form or with hundreds of digits: only such a number can overflow a double. */
  mayOverflow: boolean;
}

/**
 * One pass over the text outside strings: depth, element spans, and whether
 * a number could overflow (cheaper than a regular expression over the whole
 * text, and blind to digits inside strings such as ids).
 */
function scanStructure(text: string, maxDepth: number): Structure {
  const spans: ElementSpan[] = [];
  let mayOverflow = false;
  let digits = 0;
  let depth = 0;
  let start = 0;
  let index = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (++digits >= 300) mayOverflow = true;
      continue;
    }
    // A negative exponent can only underflow to 0, which is finite.
    if ((c === 0x65 || c === 0x45) /* e, E */ && digits > 0 && text.charCodeAt(i + 1) !== 0x2d /* - */) mayOverflow = true;
    digits = 0;
    if (c === 0x22 /* " */) {
      i = closingQuote(text, i);
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > maxDepth) throw new TallyError('BAD_REQUEST', `JSON nesting deeper than ${maxDepth} levels`);
      if (depth === 2) start = i;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      if (depth === 2) spans.push([start, i + 1, index]);
      depth--;
    } else if (c === 0x2c /* , */ && depth === 1) {
      index++;
    }
  }
  return { elementSpans: spans, mayOverflow };
}

/**
 * The index of the quote closing the string opened at `open` (text.length
 * if none). Strings are most of an event's text: a native search for the
 * next quote beats a loop over every character; a quote preceded by an odd
 * run of backslashes is escaped and the search goes on.
 */
function closingQuote(text: string, open: number): number {
  let quote = text.indexOf('"', open + 1);
  while (quote !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c /* \ */) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  return text.length;
}

function rejectProtoKeys(root: unknown): void {
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (!Array.isArray(node) && Object.hasOwn(node, '__proto__')) {
      // Found: walk again with paths, so that the error names the event index (contract 3) without slowing the common case.
      throw new TallyError('BAD_REQUEST', `JSON objects may not have a "__proto__" key (at ${protoKeyPath(root) || 'the top level'})`);
    }
    for (const child of Object.values(node)) stack.push(child);
  }
}

/** The path of the first object holding a `__proto__` key, in document order: `[2].data.a`. */
function protoKeyPath(node: unknown, path = ''): string | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  if (!Array.isArray(node) && Object.hasOwn(node, '__proto__')) return path;
  const entries: Array<[string, unknown]> = Array.isArray(node)
    ? node.map((child, i) => [`${path}[${i}]`, child])
    : Object.entries(node).map(([key, child]) => [path ? `${path}.${key}` : key, child]);
  for (const [childPath, child] of entries) {
    const found = protoKeyPath(child, childPath);
    if (found !== undefined) return found;
  }
  return undefined;
}

function rejectNonFiniteNumbers(root: unknown): void {
  const stack: Array<[node: unknown, path: string]> = [[root, '']];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (typeof node === 'number' && !Number.isFinite(node)) {
      throw new TallyError('BAD_REQUEST', `JSON number out of range at ${path || 'the top level'}: beyond the 64-bit floating point range`);
    }
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) node.forEach((child, i) => stack.push([child, `${path}[${i}]`]));
    else for (const [key, child] of Object.entries(node)) stack.push([child, path ? `${path}.${key}` : key]);
  }
}
