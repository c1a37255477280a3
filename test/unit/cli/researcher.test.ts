/**
 * The command line as a researcher uses it (issue 13), through the CLI's entry point: words a
 * task cannot say, a comparison that survives a failed run, the problem as the last line, ties and
 * the worst criterion in the table, `run --steps 0`, `rates`, one label for a file without
 * variants, and compact or gzipped results files that `compare` reads back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/random/rng';
import { compileRubric, passes } from '../../../src/core/rubric';
import { getTask } from '../../../src/core/task';
import { INJECT_FAULTS, lab, scratchDir } from '../lab-harness';

const { dir, file } = scratchDir('researcher');

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1) ?? '';

const tiny = {
  version: 1,
  name: 'tiny',
  task: 'meadow',
  model: { size: 'small' },
  sampling: { groupSize: 4, promptsPerStep: 2 },
  warmStart: { steps: 10, batchSize: 8, corpusSize: 64 },
  eval: { every: 2, samples: 2 },
  steps: 3,
  seeds: [1, 2],
};

describe('lab, as a researcher uses it', () => {
  it('refuses words and patterns the task cannot say, the problem last and without the usage hint', async () => {
    const words = file('words.json', {
      ...tiny,
      task: 'market',
      rubric: {
        criteria: [
          {
            id: 'end',
            name: 'Ends on a container',
            params: { kind: 'ends-with', words: ['baskets', 'Crates'] },
            weight: 1,
          },
          { id: 'says', name: 'Says basket', params: { kind: 'regex', pattern: '\\bbaskets\\b' }, weight: 1 },
        ],
      },
    });
    const [run, compare, badOption] = await Promise.all([
      lab(['run', words]),
      lab(['compare', words]),
      lab(['compare', words, '--jobs', 'many']),
    ]);
    for (const result of [run, compare]) {
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        'rubric.criteria.0.params.words.0: criterion "end": "baskets" is not a word',
      );
      expect(result.stderr).toMatch(/"Crates" is not a word.*closest words of the task: crate/);
      expect(lastLine(result.stderr)).toMatch(
        /rubric\.criteria\.1\.params\.pattern: .*can never match.*basket/,
      );
      expect(result.stderr).not.toContain('--help');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    // A usage error still ends with the hint.
    expect(badOption.code).toBe(2);
    expect(lastLine(badOption.stderr)).toBe('Run "npm run lab -- compare --help" for usage.');
  });

  it('finishes a comparison in which one run fails, marks it, says so last and writes --out (compact, gzipped)', async () => {
    const experiment = file('failing.json', {
      ...tiny,
      eval: { every: 0, samples: 2 },
      variants: [
        { name: 'gdpo', overrides: { method: { method: 'gdpo' } } },
        // The same configuration again: every paired comparison is a tie.
        { name: 'gdpo-again', overrides: { method: { method: 'gdpo' } } },
        { name: 'focal', overrides: { method: { method: 'focal' } } },
        // Made to fail at step 2 by the preloaded test module: no file or link can carry faults.
        { name: 'broken', overrides: { method: { method: 'focal' } } },
      ],
    });
    const out = join(dir, 'failing.json.gz');
    const result = await lab(['compare', experiment, '--jobs', '2', '--out', out, '--compact'], {
      env: { FOCAL_LAB_TEST_FAULTS: JSON.stringify({ broken: { nonFiniteAtStep: 2 } }) },
      preload: INJECT_FAULTS,
    });
    expect(result.code).toBe(1);
    const table = result.stdout;
    expect(table).toMatch(
      /gdpo-again\s+gdpo\s+2\s.*0\/2, 2 tied \(\+0\.000\)\s+0\/2, 2 tied \(\+0\.000\)\s+0\/2, 2 tied \(\+0\.000\)/,
    );
    expect(table).toMatch(/vs baseline: rubric\s+worst\s+all-pass/);
    expect(table).toMatch(/focal\s+focal\s+2\s+\d/);
    expect(table).toMatch(/broken\s+focal\s+0 of 2 \(2 failed\)/);
    expect(table).toMatch(/broken seed 1: failed at step 2: the advantage of rollout 0 is not finite/);
    expect(lastLine(result.stderr)).toMatch(
      /^2 of 8 runs failed \(first: broken seed \d: step 2: .*not finite.*\)/,
    );
    expect(result.stderr).not.toContain('parallel.ts');
    expect(result.stderr + result.stdout).not.toMatch(/checkpoint/);

    const bytes = readFileSync(out);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    const saved = JSON.parse(gunzipSync(bytes).toString('utf8'));
    expect(saved.format).toBe('focal-lab-results');
    expect(saved.form).toBe('compact');
    expect(saved.results).toHaveLength(8);
    const broken = saved.results.filter((r: { variant: string }) => r.variant === 'broken');
    expect(broken.map((r: { failure: { step: number } }) => r.failure.step)).toEqual([2, 2]);
    // What the failed run measured before it stopped is kept: one step, the step-0 evaluation.
    expect(broken[0].metrics).toHaveLength(1);
    expect(broken[0].evals.map((e: { step: number }) => e.step)).toEqual([0]);

    // compare reads the file back and prints the same table, without training.
    const again = await lab(['compare', out]);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe(table.replace(/\n[\d.]+ s in all\n$/, '\n'));

    // Two of the variants, step by step: 3 steps in windows of 2 give steps 1-2 and 3-3.
    const [windowed, unknown] = await Promise.all([
      lab(['compare', out, '--variants', 'gdpo, focal', '--windows', '2']),
      lab(['compare', out, '--variants', 'gdpo,nope']),
    ]);
    expect(windowed.code).toBe(0);
    expect(windowed.stdout).not.toMatch(/gdpo-again|broken/);
    const focal = windowed.stdout.split('\n\n').find((block) => block.startsWith('focal:'));
    expect(focal).toMatch(/2-step windows, 2 runs/);
    const rows = focal!.split('\n').filter((line) => /^\d+-\d+ /.test(line));
    expect(rows.map((row) => row.split(/\s+/)[0])).toEqual(['1-2', '3-3']);
    // A mean of batch means lies in [0, 1]; focal's effective weights sum to 1.
    for (const row of rows) {
      const numbers = row.split(/\s+/).slice(1).map(Number);
      for (const x of numbers) expect(x).toBeGreaterThanOrEqual(0);
      const weights = numbers.slice(numbers.length / 2);
      expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 1);
    }
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      '--variants: no variant "nope"; the variants are gdpo, gdpo-again, focal, broken',
    );
  });

  it('the CLI itself reads no fault variable: without the test preload the same run trains to the end', async () => {
    const experiment = file('unfaulted.json', { ...tiny, name: 'broken' });
    const env = { FOCAL_LAB_TEST_FAULTS: JSON.stringify({ broken: { nonFiniteAtStep: 2 } }) };
    const [plain, preloaded] = await Promise.all([
      lab(['run', experiment], { env }),
      lab(['run', experiment], { env, preload: INJECT_FAULTS }),
    ]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/step 3/);
    expect(plain.stderr).not.toMatch(/failed/);
    // The variable does name this run: with the preload it fails.
    expect(preloaded.code).toBe(1);
    expect(lastLine(preloaded.stderr)).toMatch(/^the run failed at step 2: .*not finite/);
  });

  it('run --steps 0 evaluates the starting policy and stops; a file without variants is named once', async () => {
    const out = join(dir, 'zero.json');
    const result = await lab([
      'run',
      file('solo.json', { ...tiny, name: 'solo' }),
      '--steps',
      '0',
      '--out',
      out,
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr.split('\n')[0]).toMatch(/^solo: task meadow/);
    expect(result.stdout).toMatch(/held-out evaluation\s+step 0\n/);
    expect(result.stdout).not.toContain('step 3');
    const saved = JSON.parse(readFileSync(out, 'utf8'));
    expect(saved.results[0].metrics).toEqual([]);
    expect(saved.results[0].evals.map((e: { step: number }) => e.step)).toEqual([0]);
    // And that file is a results file compare can read.
    const table = await lab(['compare', out]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^solo\s+focal\s+1\s+\d\.\d{3}/m);
  });

  it('rates prints each criterion on the corpus and on the starting policy', async () => {
    const result = await lab(['rates', file('rates.json', tiny), '--samples', '4']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /criterion\s+kind\s+weight\s+corpus pass\s+corpus mean\s+policy pass\s+policy mean/,
    );
    expect(result.stdout).toContain('policy: 16 samples on the held-out prompts');
    // The corpus column, recomputed here from the grammar the same way the warm start draws it.
    const task = getTask('meadow');
    const rubric = compileRubric(task.defaultRubric, task.lexicon);
    const rng = new Rng(1, 'corpus');
    const topics = [...task.topics.train, ...task.topics.heldOut];
    const pass = new Array<number>(rubric.ids.length).fill(0);
    for (let n = 0; n < 64; n++) {
      const topic = rng.pick(topics);
      const words = task.generateSentence(rng, topic);
      rubric
        .score({ prompt: { topic }, words, text: words.join(' ') })
        .forEach((s, k) => (pass[k] += passes(s) ? 1 : 0));
    }
    rubric.ids.forEach((id, k) => {
      const row = result.stdout.split('\n').find((line) => line.includes(`(${id})`)) ?? '';
      expect(row).toContain(`${((100 * pass[k]) / 64).toFixed(1)}%`);
    });
    expect(result.stdout).toMatch(/^all pass\s+\d+\.\d%\s+\d+\.\d%/m);
  });
});
