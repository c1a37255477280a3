/**
 * Hostile and malformed inputs, by class, each with the first problem it must get (path and
 * exact message). The same corpus goes through every door (see doors.test.ts): share-link
 * decoding, the app's file import, a run import, and the command line.
 */

export interface HostileCase {
  /** The class and the case. */
  name: string;
  /** The file's JSON text (text, so that `__proto__` and `1e999` stay what a file would hold). */
  json: string;
  /** The first problem reported for it. */
  path: string;
  message: string;
  /** A run import carries one configuration: the case applies there too (under `spec.config.`). */
  inConfig?: boolean;
}

const base = '"version": 1, "task": "meadow"';
const experiment = (fields: string): string => `{ ${base}, ${fields} }`;
const regex = (pattern: string): string =>
  `{ "criteria": [{ "id": "p", "name": "P", "weight": 1, "params": { "kind": "regex", "pattern": ${JSON.stringify(pattern)} } }] }`;
const wordClass = (name: string): string =>
  `{ "criteria": [{ "id": "w", "name": "W", "weight": 1, "params": { "kind": "word-class", "wordClass": ${JSON.stringify(name)}, "min": 1 } }] }`;
const variant = (overrides: string): string =>
  experiment(`"variants": [{ "name": "v", "overrides": ${overrides} }]`);
const nested = (open: string, close: string, depth: number, inner: string): string =>
  open.repeat(depth) + inner + close.repeat(depth);

export const RE2_CASES: [string, string][] = [
  ['(ab', 'missing closing ): `(ab`'],
  ['[ab', 'missing closing ]: `[ab`'],
  ['[z-a]', 'invalid character class range: `z-a`'],
  ['(?=a)', 'invalid or unsupported Perl syntax: `(?=`'],
  ['(a)\\1', 'invalid escape sequence: `\\1`'],
  ['a{2,1}', 'invalid repeat count: `{2,1}`'],
  ['a\\', 'trailing backslash at end of expression'],
  ['(?z)a', 'invalid or unsupported Perl syntax: `(?z`'],
];

export const HOSTILE: HostileCase[] = [
  // 1 and 2: patterns and word classes, in the base and in variants.
  ...RE2_CASES.map(([pattern, detail]) => ({
    name: `RE2: ${pattern}`,
    json: experiment(`"rubric": ${regex(pattern)}`),
    path: 'rubric.criteria.0.params.pattern',
    message: `criterion "p": pattern is not a valid RE2 pattern: ${detail}${/Perl|escape/.test(detail) ? ' (RE2 syntax has no lookahead, lookbehind or backreferences)' : ''}`,
    inConfig: true,
  })),
  {
    name: 'variant: invalid pattern',
    json: variant(`{ "rubric": ${regex('(ab')} }`),
    path: 'variants.0.overrides.rubric.criteria.0.params.pattern',
    message: 'criterion "p": pattern is not a valid RE2 pattern: missing closing ): `(ab`',
  },
  {
    name: 'variant: unknown word class',
    json: variant(`{ "rubric": ${wordClass('gerund')} }`),
    path: 'variants.0.overrides.rubric.criteria.0.params.wordClass',
    message:
      'criterion "w": unknown word class "gerund" (this task has: noun, adjective, verb, transitive, preposition, adverb)',
  },
  {
    name: 'variant: switches the task, keeping a word class the new task lacks',
    json: experiment(
      `"rubric": ${wordClass('adverb')}, "variants": [{ "name": "v", "overrides": { "task": "diary", "rubric": ${wordClass('adverb')} } }]`,
    ),
    path: 'variants.0.overrides.rubric.criteria.0.params.wordClass',
    message:
      'criterion "w": unknown word class "adverb" (this task has: pronoun, being, place, adjective, transitive, intransitive, preposition, connector)',
  },
  {
    name: 'word class "constructor"',
    json: experiment(`"rubric": ${wordClass('constructor')}`),
    path: 'rubric.criteria.0.params.wordClass',
    message:
      'criterion "w": unknown word class "constructor" (this task has: noun, adjective, verb, transitive, preposition, adverb)',
    inConfig: true,
  },
  {
    name: 'word class "__proto__"',
    json: experiment(`"rubric": ${wordClass('__proto__')}`),
    path: 'rubric.criteria.0.params.wordClass',
    message:
      'criterion "w": unknown word class "__proto__" (this task has: noun, adjective, verb, transitive, preposition, adverb)',
    inConfig: true,
  },
  // Numbers.
  {
    name: 'subnormal temperature',
    json: experiment('"optim": { "temperature": 5e-324 }'),
    path: 'optim.temperature',
    message:
      '5e-324 is a subnormal number (too close to 0 to compute with); use 0 or a number of magnitude at least 2.2250738585072014e-308',
    inConfig: true,
  },
  {
    name: 'overflowing number',
    json: experiment('"steps": 1e999'),
    path: 'steps',
    message: 'Infinity is not a finite number',
    inConfig: true,
  },
  {
    name: 'temperature below its range',
    json: experiment('"optim": { "temperature": 0.001 }'),
    path: 'optim.temperature',
    message: 'Too small: expected number to be >=0.05',
    inConfig: true,
  },
  // 8: test-only switches.
  {
    name: 'debug switch',
    json: experiment('"debug": { "injectNonFiniteAtStep": 3 }'),
    path: 'debug',
    message:
      'test-only switches are not accepted from links, files or imports (the browser tests set them apart)',
    inConfig: true,
  },
  {
    name: 'debug switch in a variant',
    json: variant('{ "debug": { "injectNonFiniteAtStep": 3 } }'),
    path: 'variants.0.overrides.debug',
    message:
      'test-only switches are not accepted from links, files or imports (the browser tests set them apart)',
  },
  // 3: nesting.
  {
    name: 'objects nested 5000 deep',
    json: variant(nested('{ "a": ', '}', 5000, '1')),
    path: `variants.0.overrides${'.a'.repeat(13)}`,
    message: 'nested deeper than 16 levels of objects and arrays (no field of an experiment nests that deep)',
  },
  {
    name: 'arrays nested 5000 deep',
    json: experiment(`"seeds": ${nested('[', ']', 5000, '1')}`),
    path: `seeds${'.0'.repeat(15)}`,
    message: 'nested deeper than 16 levels of objects and arrays (no field of an experiment nests that deep)',
  },
  // 5: unknown and special keys.
  {
    name: 'misspelt field',
    json: experiment('"method": { "method": "focal", "gama": 3 }'),
    path: 'method.gama',
    message: 'unknown field',
    inConfig: true,
  },
  {
    name: 'misspelt field in a variant',
    json: variant('{ "optim": { "learningRate": 0.1 } }'),
    path: 'variants.0.overrides.optim.learningRate',
    message: 'unknown field',
  },
  ...['__proto__', 'constructor', 'prototype'].map((key) => ({
    name: `"${key}" at the root`,
    json: experiment(`"${key}": { "polluted": true }`),
    path: key,
    message: `"${key}" is not allowed as a key (it could reach an object's prototype)`,
    inConfig: true,
  })),
  {
    name: '"__proto__" deep in a variant',
    json: variant('{ "method": { "__proto__": { "polluted": true } } }'),
    path: 'variants.0.overrides.method.__proto__',
    message: `"__proto__" is not allowed as a key (it could reach an object's prototype)`,
  },
  {
    name: '"__proto__" in a weight shorthand',
    json: variant('{ "weights": { "__proto__": 1 } }'),
    path: 'variants.0.overrides.weights.__proto__',
    message: `"__proto__" is not allowed as a key (it could reach an object's prototype)`,
  },
  {
    name: '"constructor" in criterion params',
    json: experiment(
      '"rubric": { "criteria": [{ "id": "t", "name": "T", "weight": 1, "params": { "kind": "topic", "constructor": 1 } }] }',
    ),
    path: 'rubric.criteria.0.params.constructor',
    message: `"constructor" is not allowed as a key (it could reach an object's prototype)`,
    inConfig: true,
  },
  // Strings.
  {
    name: 'escaped lone surrogate',
    json: experiment('"description": "abc\\ud800"'),
    path: 'description',
    message: 'contains a lone surrogate (not valid Unicode text)',
  },
];

/** Bytes that are not UTF-8 text: refused before any parse (files; a link says its payload is damaged). */
export const NOT_UTF8: { name: string; bytes: Uint8Array; message: string }[] = [
  {
    name: 'UTF-16LE with a byte-order mark',
    bytes: new Uint8Array([0xff, 0xfe, ...[...'{"version":1}'].flatMap((c) => [c.charCodeAt(0), 0])]),
    message: 'the file is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8',
  },
  {
    name: 'UTF-16LE without a byte-order mark',
    bytes: new Uint8Array([...'{"version":1}'].flatMap((c) => [c.charCodeAt(0), 0])),
    message:
      'the file holds a NUL byte (at byte 1), so it is not UTF-8 text (UTF-16 without a byte-order mark?); save it as UTF-8',
  },
  {
    name: 'an encoded lone surrogate',
    bytes: new Uint8Array([
      ...new TextEncoder().encode(`{ ${base}, "name": "`),
      0xed,
      0xa0,
      0x80,
      0x22,
      0x7d,
    ]),
    message: 'the file is not valid UTF-8 text (at byte 43); save it as UTF-8',
  },
  {
    name: 'an overlong sequence',
    bytes: new Uint8Array([...new TextEncoder().encode(`{ ${base}, "name": "`), 0xc0, 0xaf, 0x22, 0x7d]),
    message: 'the file is not valid UTF-8 text (at byte 43); save it as UTF-8',
  },
  {
    name: 'Latin-1 text',
    bytes: new Uint8Array([...new TextEncoder().encode(`{ ${base}, "name": "caf`), 0xe9, 0x22, 0x7d]),
    message: 'the file is not valid UTF-8 text (at byte 46); save it as UTF-8',
  },
];
