/**
 * The `advantages` command end to end. Each spawn costs about a second, so there are three,
 * run concurrently: a valid request, an invalid file, and an unknown command.
 */
import { describe, expect, it } from 'vitest';
import { computeAdvantages, methodConfigSchema } from '../../../src/core/reward';
import { lab, scratchDir } from '../lab-harness';

const { file } = scratchDir('cli');

const request = {
  scores: [
    [1, 0, 0.5],
    [0, 1, 0.25],
    [1, 1, 1],
    [0.5, 1, 0],
    [0, 0, 0.75],
    [1, 0, 0.5],
  ],
  groups: [4, 4, 4, 9, 9, 9],
  weights: [3, 1, 2],
  judge: [
    { fp: 0.1, fn: 0.2 },
    { fp: 0, fn: 0 },
    { fp: 0.05, fn: 0.05 },
  ],
  state: { ema: [0.3, 0.2, 0.5], steps: 3 },
};

describe('lab advantages', () => {
  const valid = lab([
    'advantages',
    file('valid.json', request),
    '--method',
    'focal',
    '--gamma',
    '1.5',
    '--beta',
    '0.8',
    '--alpha-min',
    '0.1',
    '--base',
    'saturation',
    '--scale',
    'snr',
    '--norm',
    'group',
    '--projection',
    'on',
  ]);
  const invalid = lab([
    'advantages',
    file('invalid.json', { ...request, scores: [[1, 0, 2], ...request.scores.slice(1)], weights: [0, 0, 0] }),
    '--method',
    'gdpo',
    '--beta',
    '1.5',
  ]);
  const unknown = lab(['frobnicate']);

  it('prints what computeAdvantages returns, as plain JSON', async () => {
    const { code, stdout, stderr } = await valid;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const printed = JSON.parse(stdout);
    const config = methodConfigSchema.parse({
      method: 'focal',
      gamma: 1.5,
      beta: 0.8,
      alphaMin: 0.1,
      base: 'saturation',
      scale: 'snr',
      norm: 'group',
      projection: true,
    });
    const expected = computeAdvantages({ ...request, config });
    // JSON round-trips doubles exactly
    expect(printed).toEqual({
      advantages: Array.from(expected.advantages),
      weights: expected.weights,
      saturation: expected.saturation,
      state: expected.state,
    });
  });

  it('rejects bad input with exit code 2, naming the file path and the flag', async () => {
    const { code, stdout, stderr } = await invalid;
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('invalid.json: scores.0.2: must be at most 1');
    expect(stderr).toContain('invalid.json: weights: need a positive total');
    expect(stderr).toContain('--beta: Too big');
  });

  it('rejects an unknown command with exit code 2 and lists the commands', async () => {
    const { code, stderr } = await unknown;
    expect(code).toBe(2);
    expect(stderr).toContain('Unknown command "frobnicate"');
    expect(stderr).toContain('advantages');
  });
});
