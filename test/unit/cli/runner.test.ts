/**
 * The headless runner end to end: a tiny run writing results and CSV, a compare table, the
 * reduced paper grid, and the exit code 2 paths (bad file, missing file, unknown backend).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paperResultsSchema } from '../../../src/core/records/paper-results';
import { lab, scratchDir } from '../lab-harness';

const { dir, file } = scratchDir('runner');

const tiny = {
  version: 2,
  name: 'tiny',
  task: 'meadow',
  model: { size: 'small' },
  sampling: { groupSize: 4, promptsPerStep: 2 },
  warmStart: { steps: 10, batchSize: 8, corpusSize: 64 },
  eval: { every: 2, samples: 2 },
  steps: 3,
  seeds: [1, 2],
  variants: [
    { name: 'static', overrides: { method: { method: 'static' } } },
    { name: 'focal', overrides: { method: { method: 'focal' } } },
  ],
};

describe('lab run / compare / paper', () => {
  it('runs one configuration and writes results JSON and metrics CSV', async () => {
    const out = join(dir, 'results.json');
    const csv = join(dir, 'metrics.csv');
    const { code, stdout } = await lab([
      'run',
      file('tiny.json', tiny),
      '--steps',
      '4',
      '--seed',
      '3',
      '--variant',
      'focal',
      '--out',
      out,
      '--csv',
      csv,
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('rubric score');
    const saved = JSON.parse(readFileSync(out, 'utf8'));
    expect(saved.format).toBe('focal-lab-results');
    const [results] = saved.results;
    expect(results.seed).toBe(3);
    expect(results.config.method.method).toBe('focal');
    expect(results.metrics).toHaveLength(4);
    expect(results.evals.map((e: { step: number }) => e.step)).toEqual([0, 2, 4]);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toContain('score:Mentions the topic');
  });

  it('compares every variant over every seed, and runs the reduced paper grid', async () => {
    const base = file('tiny.json', tiny);
    const md = join(dir, 'results.md');
    const [compare, paper] = await Promise.all([
      lab(['compare', base, '--jobs', '2']),
      lab([
        'paper',
        '--file',
        base,
        '--tasks',
        'meadow',
        '--sizes',
        'small',
        '--seeds',
        '1,2',
        '--steps',
        '2',
        '--ablation-tasks',
        'none',
        '--jobs',
        '1',
        '--out',
        md,
        '--compact',
        join(dir, 'compact.json'),
      ]),
    ]);
    expect(compare.code).toBe(0);
    expect(compare.stdout).toMatch(/static\s+static/);
    expect(compare.stdout).toMatch(/focal\s+focal\s+.*\d\/2/);
    expect(paper.code).toBe(0);
    const table = readFileSync(md, 'utf8');
    expect(table).toContain('| meadow / small |');
    const json = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    // static, gdpo, worst, focal (from the file's variants) x 2 seeds, each with its records.
    expect(json.results.length).toBeGreaterThanOrEqual(4);
    for (const r of json.results) expect(r.metrics).toHaveLength(2);
    // The app's compact file: one cell, every metric with an interval and a verdict, the file's methods.
    const compact = paperResultsSchema.parse(JSON.parse(readFileSync(join(dir, 'compact.json'), 'utf8')));
    expect(compact.cells).toHaveLength(1);
    const cell = compact.cells[0];
    expect(Object.keys(cell.methods).sort()).toEqual(['focal', 'static']);
    for (const s of [cell.rubricScore, cell.worstScore, cell.allPassRate]) {
      expect(s.n).toBe(2);
      expect(s.low).toBeLessThanOrEqual(s.high);
      // Paired t tests with the old bootstrap beside them.
      expect(s.test).toBe('paired-t');
      expect(s.separate?.map((x) => x.baseline)).toEqual(['static']);
      expect(s.bootstrap?.baseline).toBe('static');
    }
    expect(table).toMatch(/clear win|clear loss|undecided/);
    // Three processes of real training: on a shared machine under load this has taken over 60 s.
  }, 240_000);

  it('reach trains the chosen criteria alone and refuses one the rubric lacks', async () => {
    const base = file('reach.json', { ...tiny, variants: [] });
    const common = ['reach', '--file', base, '--tasks', 'meadow', '--sizes', 'small', '--steps', '1'];
    const [chosen, unknown] = await Promise.all([
      lab([...common, '--criteria', 'rhyme,length', '--seeds', '1,2', '--jobs', '1']),
      lab([...common, '--criteria', 'rhyme,nope']),
    ]);
    expect(chosen.code).toBe(0);
    expect(chosen.stdout).toContain('4 runs');
    const rows = chosen.stdout.split('\n').filter((line) => line.startsWith('| meadow |'));
    expect(rows.map((row) => row.split('|')[2].trim())).toEqual(['length', 'rhyme']);
    // Two seeds: each cell gives the mean end and the lowest seed's end, which cannot exceed it.
    for (const row of rows) {
      const cell = /-> ([\d.]+) \(lowest ([\d.]+)\)/.exec(row.split('|')[3]);
      expect(cell).not.toBeNull();
      expect(Number(cell![2])).toBeLessThanOrEqual(Number(cell![1]));
    }
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--criteria: no criterion "nope" in the default rubric of meadow');
  });

  it('exits with 2 on a bad file, a missing file and an unknown backend', async () => {
    const bad = file('bad.json', {
      ...tiny,
      task: 'nowhere',
      steps: -1,
      variants: [{ name: 'x', overrides: { method: { method: 'magic' } } }],
    });
    const [invalid, missing, backend, notJson] = await Promise.all([
      lab(['run', bad]),
      lab(['run', join(dir, 'missing.json')]),
      lab(['run', file('ok.json', tiny), '--backend', 'metal']),
      lab(['compare', file('broken.json', '{ "version": 2,')]),
    ]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('steps');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
    expect(backend.code).toBe(2);
    expect(backend.stderr).toContain('unknown backend "metal"');
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('not valid JSON');
  });
});
