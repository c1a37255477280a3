/**
 * The hostile corpus (corpus.ts) through every door that accepts an experiment: a share link
 * decoded as the app decodes it, a file imported in the app, a run import (for what a run's
 * config can hold), and the command line (in process, and spawned for a few: exit code 2, no
 * stack trace, the problem on the last line). Each input gets the same first problem everywhere.
 */
import { describe, expect, it, vi } from 'vitest';
import { parseImport } from '../../../src/web/saved-run';
import { loadExperiment } from '../../../src/cli/experiment-file';
import { dispatch } from '../../../src/cli/dispatch';
import { TASK_IDS } from '../../../src/core/task';
import { decodeExperiment, toBase64Url } from '../../../src/core/share/codec';
import type { Parsed } from '../../../src/core/validation';
import { lab, scratchDir } from '../lab-harness';
import { HOSTILE, NOT_UTF8, type HostileCase } from './corpus';

const scratch = scratchDir('hostile');

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A share-link payload for these exact bytes (deflate-raw, base64url), as the app writes one. */
async function payloadOf(bytes: Uint8Array): Promise<string> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream('deflate-raw'));
  return toBase64Url(new Uint8Array(await new Response(stream).arrayBuffer()));
}

/** The experiment's JSON text as the config of an exported run. */
function asRunImport(json: string): string {
  const config = json.replace('"version": 1, ', '');
  return `{"format":"focal-lab-run","version":1,"savedAt":"2026-01-01T00:00:00.000Z","spec":{"id":"r","name":"r","config":${config},"seed":1,"backend":"cpu"},"status":"done","reason":null,"backend":null,"criterionIds":[],"criterionNames":[],"metrics":[],"evals":[]}`;
}

const first = (parsed: Parsed<unknown>) => (parsed.ok ? 'accepted' : parsed.problems[0]);

let files = 0;
const fileWith = (content: string | Uint8Array): string => scratch.file(`case-${files++}.json`, content);

const unknownTask: HostileCase = {
  name: 'unknown task',
  json: '{ "version": 1, "task": "atlantis" }',
  path: 'task',
  message: `unknown task "atlantis"; known tasks: ${TASK_IDS.join(', ')}`,
  inConfig: true,
};
const CASES = [...HOSTILE, unknownTask];

describe.each(CASES)('$name', (c) => {
  const expected = { path: c.path, message: c.message };

  it('a share link is refused with the message', async () => {
    expect(first(await decodeExperiment(await payloadOf(utf8(c.json))))).toEqual(expected);
  });

  it('an imported file is refused with the message', () => {
    expect(first(parseImport(utf8(c.json)))).toEqual(expected);
  });

  it.runIf(c.inConfig)('a run import is refused with the message, under spec.config', () => {
    expect(first(parseImport(utf8(asRunImport(c.json))))).toEqual({
      path: `spec.config.${c.path}`,
      message: c.message,
    });
  });

  it('the command line refuses it: exit 2, the problem on the last line', async () => {
    const path = fileWith(c.json);
    const loaded = await loadExperiment(path);
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.message.split('\n')).toContain(`  ${c.path}: ${c.message}`);
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args) => void errors.push(args.join(' ')));
    try {
      expect(await dispatch(['run', path])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    const lines = errors.join('\n').split('\n');
    expect(lines[0]).toBe(`${path} was not run. What was wrong:`);
    expect(lines.at(-1)).toMatch(/^ {2}\S/);
    expect(lines).toContain(`  ${c.path}: ${c.message}`);
  });
});

describe.each(NOT_UTF8)('not UTF-8: $name', (c) => {
  it('an imported file is refused before it is parsed', () => {
    expect(first(parseImport(c.bytes))).toEqual({ path: '', message: c.message });
  });

  it('the command line refuses it with the same message', async () => {
    const path = fileWith(c.bytes);
    expect(await loadExperiment(path)).toEqual({
      ok: false,
      message: `${path} was not run. What was wrong:\n  ${c.message}`,
    });
  });

  it('a share link carrying these bytes is refused as damaged', async () => {
    expect(first(await decodeExperiment(await payloadOf(c.bytes)))).toEqual({
      path: '',
      message: 'the link is damaged: its payload is not JSON',
    });
  });
});

describe('a special key never reaches a prototype', () => {
  it('JSON.parse makes "__proto__" an own key, and the import refuses it', () => {
    const json = '{ "version": 1, "task": "meadow", "__proto__": { "steps": 3 } }';
    const data = JSON.parse(json) as Record<string, unknown>;
    expect(Object.hasOwn(data, '__proto__')).toBe(true);
    expect(first(parseImport(utf8(json)))).toMatchObject({ path: '__proto__' });
    expect(({} as Record<string, unknown>).steps).toBeUndefined();
  });
});

describe('the command line, spawned', () => {
  it('exits 2 without a stack trace, the problem on the last line (file and link)', async () => {
    const variantPattern = HOSTILE.find((c) => c.name === 'variant: invalid pattern')!;
    const deep = HOSTILE.find((c) => c.name === 'objects nested 5000 deep')!;
    const utf16 = NOT_UTF8[0];
    const link = `http://127.0.0.1:5173/#x=${await payloadOf(utf8(deep.json))}`;
    const [a, b, c, d] = await Promise.all([
      lab(['run', fileWith(variantPattern.json)]),
      lab(['compare', fileWith(deep.json)]),
      lab(['run', fileWith(utf16.bytes)]),
      lab(['compare', link]),
    ]);
    for (const r of [a, b, c, d]) {
      expect(r.code).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr).not.toMatch(/--help/);
    }
    const last = (s: string) => s.trimEnd().split('\n').at(-1);
    expect(last(a.stderr)).toBe(`  ${variantPattern.path}: ${variantPattern.message}`);
    expect(last(b.stderr)).toBe(`  ${deep.path}: ${deep.message}`);
    expect(last(c.stderr)).toBe(`  ${utf16.message}`);
    expect(d.stderr.split('\n')[0]).toBe('The link was not run. What was wrong:');
    expect(last(d.stderr)).toBe(`  ${deep.path}: ${deep.message}`);
  }, 150_000);
});
