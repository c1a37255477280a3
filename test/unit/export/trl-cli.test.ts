/**
 * `lab export --to trl` end to end: it writes exactly the files of exportToTrl (which the app
 * zips), from a file or a share link, and refuses with exit code 2 and the reason. The zip the app
 * downloads holds the same files byte for byte (read back with Python's zipfile, which checks
 * each CRC-32). Each spawn costs about a second, so they run concurrently.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportToTrl } from '../../../src/core/export/trl';
import { zipFiles } from '../../../src/core/export/zip';
import { parseExperiment } from '../../../src/core/experiment/resolve';
import { encodeExperiment, hashFor } from '../../../src/core/share/codec';
import { lab, scratchDir } from '../lab-harness';
import { pythonProblem, SKIP_PYTHON } from './python';

const scratch = scratchDir('export');
const { dir } = scratch;

function filesUnder(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(root, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(root);
  return out;
}

const input = {
  version: 1,
  name: 'Weather, exported',
  task: 'weather',
  method: { method: 'focal', gamma: 1 },
  optim: { betaKL: 0, lr: 0.001 },
  variants: [{ name: 'gdpo', overrides: { method: { method: 'gdpo' } } }],
};
const parsed = parseExperiment(input);
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const experiment = parsed.value;
const file = scratch.file('weather.json', input);

describe('lab export --to trl', () => {
  const out = join(dir, 'out');
  const linkOut = join(dir, 'link-out');
  const fromFile = lab(['export', file, '--to', 'trl', '--out', out, '--accept', 'exact-judges']);
  const fromLink = encodeExperiment(experiment).then((payload) =>
    lab([
      'export',
      `https://example.org/lab/${hashFor(payload)}`,
      '--to',
      'trl',
      '--out',
      linkOut,
      '--accept',
      'exact-judges',
      '--variant',
      'gdpo',
    ]),
  );
  const refused = lab(['export', file, '--to', 'trl', '--out', join(dir, 'refused')]);
  const badTarget = lab(['export', file, '--to', 'verl', '--out', join(dir, 'bad')]);
  const badFile = lab(['export', join(dir, 'missing.json'), '--to', 'trl', '--out', join(dir, 'bad')]);

  it('writes the files exportToTrl makes, from a file', async () => {
    const result = await fromFile;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const made = exportToTrl(experiment, { accept: ['exact-judges'] });
    if (!made.ok) throw new Error('export refused');
    expect(filesUnder(out)).toEqual(Object.fromEntries(made.files.map((f) => [f.path, f.text])));
  });

  it('reads a share link and exports the chosen variant', async () => {
    const result = await fromLink;
    expect(result.code).toBe(0);
    const rubric = JSON.parse(readFileSync(join(linkOut, 'focal_lab/rubric.json'), 'utf8'));
    expect(rubric.method.method).toBe('gdpo');
    expect(rubric.variant).toBe('gdpo');
    expect(rubric.judges.every((j: { fp: number; fn: number }) => j.fp === 0 && j.fn === 0)).toBe(true);
  });

  it("refuses a simulated judge unless exact verdicts are accepted, naming the criterion's path", async () => {
    const result = await refused;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('was not exported');
    expect(result.stderr).toMatch(
      /rubric\.criteria\.\d+\.judge: criterion "[a-z0-9-]+" has a simulated judge/,
    );
  });

  it('refuses an unknown target and a missing file with exit code 2', async () => {
    const target = await badTarget;
    expect(target.code).toBe(2);
    expect(target.stderr).toContain('--to: unknown target "verl"');
    const missing = await badFile;
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
  });
});

describe('exportToTrl refusals', () => {
  it('refuses a KL term unless per-sequence averaging is accepted, and any entropy bonus', () => {
    const core = parseExperiment({ version: 1, task: 'meadow', optim: { betaKL: 0.02, entCoef: 0.01 } });
    if (!core.ok) throw new Error('invalid');
    const refused = exportToTrl(core.value);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.problems.map((p) => p.path)).toEqual(['optim.entCoef', 'optim.betaKL']);
    const accepted = exportToTrl(core.value, { accept: ['kl-per-sequence'] });
    expect(!accepted.ok && accepted.problems.map((p) => p.path)).toEqual(['optim.entCoef']);
  });

  it('maps the hyperparameters the train script reads', () => {
    const made = exportToTrl(experiment, { accept: ['exact-judges'] });
    if (!made.ok) throw new Error('refused');
    const rubric = JSON.parse(made.files.find((f) => f.path === 'focal_lab/rubric.json')!.text);
    expect(rubric.hyperparameters).toMatchObject({
      groupSize: experiment.sampling.groupSize,
      promptsPerStep: experiment.sampling.promptsPerStep,
      lr: 0.001,
      mu: experiment.optim.mu,
      epsClip: experiment.optim.epsClip,
      betaKL: 0,
      temperature: experiment.optim.temperature,
      steps: experiment.steps,
    });
    expect(rubric.method).toEqual({ ...experiment.method });
  });
});

describe.skipIf(SKIP_PYTHON && pythonProblem() !== null)('the zip of the app', () => {
  it("holds exportToTrl's files byte for byte (CRC-32 checked by Python's zipfile)", () => {
    const problem = pythonProblem();
    if (problem) throw new Error(problem);
    const made = exportToTrl(experiment, { accept: ['exact-judges'] });
    if (!made.ok) throw new Error('refused');
    const zipPath = join(dir, 'export.zip');
    writeFileSync(zipPath, zipFiles(made.files));
    const read = execFileSync('python3', [
      '-c',
      'import json, sys, zipfile\n' +
        'z = zipfile.ZipFile(sys.argv[1])\n' +
        'assert z.testzip() is None\n' +
        'print(json.dumps({n: z.read(n).decode("utf-8") for n in z.namelist()}))',
      zipPath,
    ]).toString();
    expect(JSON.parse(read)).toEqual(Object.fromEntries(made.files.map((f) => [f.path, f.text])));
  });
});
