/**
 * The other side of refusing: what earlier versions wrote, and valid text in any script, still
 * opens through every door (link, file import, run import, command line).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseImport, toSavedRun } from '../../../src/web/saved-run';
import { loadExperiment } from '../../../src/cli/experiment-file';
import { coreOf, parseExperiment } from '../../../src/core/experiment/resolve';
import { decodeExperiment, encodeExperiment, payloadFromLink } from '../../../src/core/share/codec';
import { decodeUtf8 } from '../../../src/core/input/text';

const dir = mkdtempSync(join(tmpdir(), 'focal-lab-valid-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const examples = readdirSync('public/experiments').map((name) => ({
  name,
  text: readFileSync(`public/experiments/${name}`, 'utf8'),
}));

describe.each(examples)('public/experiments/$name', ({ name, text }) => {
  const experiment = parseExperiment(JSON.parse(text));
  if (!experiment.ok) throw new Error(`${name}: ${JSON.stringify(experiment.problems)}`);

  it('opens as a link the app wrote (every default filled in) and as that link pasted whole', async () => {
    const payload = await encodeExperiment(experiment.value);
    expect(await decodeExperiment(payload)).toEqual(experiment);
    const loaded = await loadExperiment(`https://example.org/lab/?a=1#x=${payload}`);
    expect(loaded).toEqual({ ok: true, experiment: experiment.value });
    expect(await loadExperiment(`#x=${payload}`)).toEqual(loaded);
  });

  it('imports as a file and as the config of an exported run', () => {
    expect(parseImport(new TextEncoder().encode(text)).ok).toBe(true);
    const saved = toSavedRun({
      spec: { id: 'r', name: 'r', seed: 1, backend: 'cpu', config: coreOf(experiment.value) },
      status: 'done',
      reason: null,
      backend: { name: 'cpu', fallbacks: [] },
      criterionIds: [],
      criterionNames: [],
      metrics: [],
      evals: [],
      checkpointStep: null,
    });
    expect(parseImport(new TextEncoder().encode(JSON.stringify(saved))).ok).toBe(true);
  });

  it('loads from the command line', async () => {
    const path = join(dir, name);
    writeFileSync(path, text);
    expect((await loadExperiment(path)).ok).toBe(true);
  });
});

describe('text', () => {
  it('accepts UTF-8 in any script, with or without a byte-order mark', () => {
    const json = '{ "version": 1, "task": "meadow", "name": "Prüfung — 実験 🌼" }';
    const bytes = new TextEncoder().encode(json);
    expect(decodeUtf8(bytes)).toEqual({ ok: true, value: json });
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]))).toEqual({ ok: true, value: json });
    const parsed = parseImport(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]));
    expect(parsed.ok && parsed.value.kind === 'experiment' && parsed.value.experiment.name).toBe(
      'Prüfung — 実験 🌼',
    );
  });
});

describe('payloadFromLink', () => {
  it('takes a whole URL, its hash or x=..., and leaves file names alone', () => {
    expect(payloadFromLink('https://host/path/?q#x=abc')).toBe('abc');
    expect(payloadFromLink('#x=abc')).toBe('abc');
    expect(payloadFromLink('x=abc')).toBe('abc');
    expect(payloadFromLink('https://host/path/')).toBe('');
    expect(payloadFromLink('experiments/x=1.json')).toBeNull();
    expect(payloadFromLink('public/experiments/paper.json')).toBeNull();
  });

  it('a URL without an experiment is refused with the link message', async () => {
    expect(await loadExperiment('https://host/path/')).toEqual({
      ok: false,
      message: 'The link was not run. What was wrong:\n  the link carries no experiment (empty payload)',
    });
  });
});
