import { valid, type BadInputCase, type CaseBuilder } from './bad-input-case.js';

const requiredFields = ['id', 'source', 'specversion', 'type', 'subject'] as const;
const wrongTypes: ReadonlyArray<[string, unknown]> = [['number', 123], ['boolean', true], ['null', null], ['array', ['x']], ['object', { a: 1 }], ['float', 1.5]];
const v1Paths = ['/api/v1/events'] as const;
const v3Paths = ['/v3/openmeter/events', '/api/v3/openmeter/events'] as const;

function deep(depth: number, open: string, close: string, inner = ''): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

/** Bodies that are not valid JSON, not events, or events that break the schema, the limits on numbers, keys or nesting. */
export function badJsonCases({ next, rawCase, eventCase }: CaseBuilder): BadInputCase[] {
  const cases: BadInputCase[] = [];
  const add = (...more: BadInputCase[]) => cases.push(...more);
  const whole = JSON.stringify([valid(1), valid(2)]);
  const malformed = /malformed JSON/;

  // Malformed and truncated JSON.
  for (const [name, body] of [
    ['lone brace', '{'], ['lone bracket', '['], ['unclosed array of objects', '[{'], ['key without value', '{"id":'],
    ['unclosed object', '{"id":"a"'], ['trailing comma in array', '[{"id":"a"},]'], ['trailing comma in object', '{"id":"a",}'],
    ['closing brace only', '}'], ['closing bracket only', ']'], ['truncated literal', 'nul'], ['truncated true', 'tru'],
    ['single quotes', "{'id':'a'}"], ['unquoted keys', '{id:"a"}'], ['missing colon', '{"id" "a"}'], ['leading zero', '{"n":01}'],
    ['NaN literal', '{"n":NaN}'], ['Infinity literal', '[Infinity]'], ['bad escape', '{"id":"\\x41"}'], ['unterminated string', '{"id":"abc'],
    ['raw newline in string', '{"id":"a\nb"}'], ['comment', '// events\n[]'], ['two documents', '{}{}'], ['byte order mark before garbage', '\uFEFF]'],
    ['garbage', '¯\\_(ツ)_/¯'], ['hex number', '{"n":0x10}'],
  ] as const) {
    add(rawCase(`malformed JSON: ${name}`, body, 400, malformed));
  }
  for (const fraction of [0.1, 0.5, 0.9]) {
    add(rawCase(`truncated at ${fraction * 100}%`, whole.slice(0, Math.floor(whole.length * fraction)), 400, malformed));
  }
  add(rawCase('truncated by one character', whole.slice(0, -1), 400, malformed));

  // Empty bodies and JSON that is not events.
  for (const [name, body] of [['empty', ''], ['spaces', '   '], ['newlines', '\n\n']] as const) add(rawCase(`empty body: ${name}`, body, 400, /empty/));
  for (const [name, body] of [['string', '"event"'], ['number', '42'], ['null', 'null'], ['true', 'true']] as const) {
    add(rawCase(`top-level ${name}`, body, 400, /carries/));
  }
  for (const [name, element] of [['number', '1'], ['string', '"x"'], ['null', 'null'], ['array', '[]'], ['boolean', 'true']] as const) {
    add({ ...rawCase(`batch element is a ${name}`, `[${element}]`, 400, /must be a JSON object/), contentType: 'application/cloudevents-batch+json' });
  }

  // Wrong types, empty strings and missing keys, per required attribute.
  for (const field of requiredFields) {
    for (const [name, value] of wrongTypes) {
      add(eventCase(`${field} is a ${name}`, (e) => void (e[field] = value), field, /must be string/));
    }
    add(eventCase(`${field} is missing`, (e) => void delete e[field], field, /is required/));
    if (field !== 'specversion') add(eventCase(`${field} is empty`, (e) => void (e[field] = ''), field, /must be a non-empty string/));
  }
  for (const version of ['', '0.3', '1', '2.0', '1.0 ', ' 1.0']) {
    add(eventCase(`specversion "${version}"`, (e) => void (e.specversion = version), 'specversion', /must be "1\.0"/));
  }

  // Invalid times.
  for (const time of [
    'yesterday', '', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', '2026-05-01', '2026-05-01T25:00:00Z', '2026-05-01T12:60:00Z',
    '2026-05-01T12:00:61Z', '2026-05-01T12:00:00+25:00', '0000-00-00T00:00:00Z', '1714560000', '2026-05-01T12:00:00.123', 'T12:00:00Z',
  ]) {
    add(eventCase(`time "${time}"`, (e) => void (e.time = time), 'time', /must be an RFC 3339 timestamp/));
  }
  for (const [name, value] of [['number', 1714560000], ['null', null], ['object', {}], ['boolean', false]] as const) {
    add(eventCase(`time is a ${name}`, (e) => void (e.time = value), 'time', /must be string/));
  }

  // data, datacontenttype, dataschema.
  for (const [name, value] of [['array', [1, 2]], ['empty array', []], ['string', 'tokens=5'], ['empty string', ''], ['number', 5], ['boolean', true]] as const) {
    add(eventCase(`data is a ${name}`, (e) => void (e.data = value), 'data', /must be a JSON object or null/));
  }
  for (const type of ['text/plain', 'application/xml', '', 'APPLICATION/JSON ']) {
    add(eventCase(`datacontenttype "${type}"`, (e) => void (e.datacontenttype = type), 'datacontenttype', /must be application\/json/));
  }
  add(eventCase('datacontenttype is a number', (e) => void (e.datacontenttype = 1), 'datacontenttype', /must be application\/json/));
  for (const [name, value] of [['not a URI', 'not a uri'], ['empty', ''], ['number', 5], ['object', {}]] as const) {
    add(eventCase(`dataschema is ${name}`, (e) => void (e.dataschema = value), 'dataschema', /must be/));
  }

  // Extension attributes: v1 takes scalar ones with lowercase names; v3 takes none.
  for (const [name, key, value] of [
    ['object value', 'tenant', { id: 1 }], ['array value', 'tags', ['a']], ['uppercase name', 'Tenant', 'x'], ['dash in name', 'x-tenant', 'x'],
    ['65-character name', 'a'.repeat(65), 'x'], ['empty name', '', 'x'], ['constructor object', 'constructor', {}], ['prototype array', 'prototype', []],
  ] as const) {
    add(eventCase(`v1 extension: ${name}`, (e) => void (e[key] = value), key, /.+/, v1Paths));
  }
  for (const key of ['tenant', 'constructor', 'prototype', 'toString', 'hasOwnProperty']) {
    add(eventCase(`v3 extension "${key}"`, (e) => void (e[key] = 'x'), key, /is not a CloudEvents attribute accepted here/, v3Paths));
  }

  // Batches name the index of every bad event.
  for (const [at, field] of [[3, 'subject'], [0, 'id'], [9, 'data']] as const) {
    const events = Array.from({ length: 10 }, (_, i) => valid(i));
    (events[at] as Record<string, unknown>)[field] = field === 'data' ? 'x' : '';
    add({ ...rawCase(`batch of 10, bad ${field} at index ${at}`, JSON.stringify(events), 400, new RegExp(`\\[${at}\\]\\.${field}`)), contentType: 'application/cloudevents-batch+json', fields: [`[${at}].${field}`] });
  }
  {
    const events = Array.from({ length: 5 }, (_, i) => valid(i));
    delete events[1]!.source;
    events[4]!.time = 'soon';
    add({ ...rawCase('batch with two bad events', JSON.stringify(events), 400, /\[1\]\.source.*\[4\]\.time/), contentType: 'application/json', fields: ['[1].source', '[4].time'] });
  }

  // Duplicate keys: the last occurrence is the value (as JSON.parse and every mainstream parser), so a bad last value is refused.
  for (const field of ['subject', 'id', 'specversion', 'data']) {
    const bad = field === 'data' ? '"x"' : '""';
    const body = JSON.stringify(valid(next())).replace(/^\{/, `{"${field}":${JSON.stringify(valid()[field])},`).replace(/\}$/, `,"${field}":${bad}}`);
    add({ ...rawCase(`duplicate key ${field}, last one bad`, body, 400, new RegExp(field)), contentType: 'application/cloudevents+json', fields: [field] });
  }

  // Huge numbers: out of the double range is refused rather than silently becoming null.
  for (const [name, literal] of [['1e400 in data', '{"tokens":1e400}'], ['-1e400 in data', '{"tokens":-1e400}'], ['400-digit integer in data', `{"tokens":1${'0'.repeat(400)}}`], ['1e999 nested in data', '{"usage":{"input":[1,2,1e999]}}']] as const) {
    const body = JSON.stringify(valid(next())).replace(/"data":\{[^}]*\}/, `"data":${literal}`);
    add({ ...rawCase(`huge number: ${name}`, body, 400, /number out of range/), contentType: 'application/cloudevents+json' });
  }
  add(eventCase('huge number as id', (e) => void (e.id = 1e300), 'id', /must be string/));

  // Prototype keys.
  const withKey = (place: string, json: string) => rawCase(`__proto__ ${place}`, json, 400, /__proto__/);
  const event = JSON.stringify(valid(next()));
  add(withKey('at the top of an event', event.replace(/^\{/, '{"__proto__":{"admin":true},')));
  add(withKey('in data', event.replace('"data":{', '"data":{"__proto__":{"polluted":1},')));
  add(withKey('nested deep in data', event.replace('"data":{', '"data":{"a":{"b":[{"__proto__":null}]},')));
  add(withKey('written with a unicode escape', event.replace(/^\{/, '{"\\u005f_proto__":{"x":1},')));
  add(withKey('in a batch element', `[${event},${event.replace(/^\{/, '{"__proto__":1,')}]`));

  // Nesting.
  const nested = (depth: number) => event.replace('"data":{', `"data":{"deep":${deep(depth, '{"a":', '}', '1')},`);
  add(rawCase('objects nested 10,000 deep in data', nested(10_000), 400, /nesting deeper than 64/));
  add(rawCase('arrays nested 10,000 deep', deep(10_000, '[', ']'), 400, /nesting deeper than 64/));
  add(rawCase('arrays opened 10,000 deep, never closed', '['.repeat(10_000), 400, /nesting deeper than 64/));
  add(rawCase('nesting one level past the limit', nested(63), 400, /nesting deeper than 64/));
  return cases;
}
