/**
 * Parity of the TRL export with the lab: on the same completions, the exported Python reward
 * functions give the lab's scores, and the exported aggregator the advantages, effective weights,
 * saturation and focal state of computeAdvantages, over several steps (so the EMA is exercised),
 * for every method and several focal settings. Runs python3 (numpy needed; see ./python.ts).
 * google-re2 is not installed here: patterns then run on Python's re, translated from RE2 syntax
 * (to_python_re in focal_lab/scoring.py; trl-patterns.test.ts checks the translation on generated
 * patterns), so the test also checks that the engine in use is reported.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportToTrl, type ExportFile } from '../../../src/core/export/trl';
import { parseExperiment } from '../../../src/core/experiment/resolve';
import type { Experiment } from '../../../src/core/experiment/schema';
import { Rng } from '../../../src/core/random/rng';
import {
  computeAdvantages,
  methodConfigSchema,
  type FocalState,
  type MethodConfigInput,
} from '../../../src/core/reward';
import { compileRubric, type DecodedRollout, type RubricInput } from '../../../src/core/rubric';
import { TASKS, type Task } from '../../../src/core/task';
import { pythonProblem, SKIP_PYTHON } from './python';

const problem = pythonProblem();
const dir = mkdtempSync(join(tmpdir(), 'focal-lab-trl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writePackage(files: readonly ExportFile[], name: string): string {
  const root = join(dir, name);
  for (const f of files) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.text);
  }
  return root;
}

function experiment(input: Record<string, unknown>): Experiment {
  const parsed = parseExperiment({ version: 1, ...input });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.value;
}

/** A rubric with every kind, built from the task's own words so that each can pass or fail. */
function everyKind(task: Task, rng: Rng): RubricInput {
  const pick = () => task.vocabulary[rng.int(task.vocabulary.length)];
  const wordClass = Object.keys(task.lexicon.wordClasses)[0];
  // Patterns that mean the same in RE2 and Python's re: no backslashes, no flags; the
  // case-insensitive one has no i, I or range.
  const plain = task.vocabulary.filter((w) => /^[a-z]+$/.test(w));
  const noI = plain.filter((w) => !w.includes('i'));
  return {
    criteria: [
      { id: 'length', name: 'Length', weight: 1, params: { kind: 'length', min: 3, max: 6, tolerance: 3 } },
      { id: 'topic', name: 'Topic', weight: 2, params: { kind: 'topic' } },
      {
        id: 'any',
        name: 'Any',
        weight: 0.5,
        params: { kind: 'includes', words: [pick(), pick()], mode: 'any' },
      },
      {
        id: 'all',
        name: 'All',
        weight: 1,
        params: { kind: 'includes', words: [pick(), pick(), pick()], mode: 'all' },
      },
      { id: 'avoids', name: 'Avoids', weight: 1, params: { kind: 'avoids', words: [pick()] } },
      { id: 'no-repeat', name: 'No repeat', weight: 0, params: { kind: 'no-repeat' } },
      { id: 'starts', name: 'Starts', weight: 1, params: { kind: 'starts-with', words: [pick(), pick()] } },
      { id: 'ends', name: 'Ends', weight: 1, params: { kind: 'ends-with', words: [pick(), pick()] } },
      {
        id: 'pattern',
        name: 'Pattern',
        weight: 1,
        params: {
          kind: 'regex',
          pattern: `^(${plain[0]}|${plain[1]}) |(${plain[2]} ){2}|${plain[3]}$`,
          caseInsensitive: false,
        },
      },
      {
        id: 'pattern-ci',
        name: 'Pattern, any case',
        weight: 1,
        params: { kind: 'regex', pattern: `(${noI[0]}|${noI[1]}).*${noI[2]}`, caseInsensitive: true },
      },
      { id: 'class', name: 'Class', weight: 1, params: { kind: 'word-class', wordClass, min: 2 } },
      { id: 'rhyme', name: 'Rhyme', weight: 1, params: { kind: 'rhyme' } },
      { id: 'off', name: 'Disabled', weight: 1, enabled: false, params: { kind: 'topic' } },
    ],
  };
}

const SEPARATORS = [' ', ' ', ' ', '  ', '\t', '\n', ' \r\n '];
const CASES = [
  (w: string) => w,
  (w: string) => w,
  (w: string) => w.toUpperCase(),
  (w: string) => w[0].toUpperCase() + w.slice(1),
];

/** Random completions in the task's words: random lengths (0 included), casing and whitespace. */
function completions(task: Task, rng: Rng, count: number) {
  const topics = task.topics.train;
  const rows: {
    completion: string | { role: string; content: string }[];
    topic: string;
    rollout: DecodedRollout;
  }[] = [];
  for (let i = 0; i < count; i++) {
    const topic = topics[rng.int(topics.length)];
    const length = rng.int(task.maxNew + 1);
    const words: string[] = [];
    for (let j = 0; j < length; j++) {
      const word = rng.next() < 0.15 ? topic : task.vocabulary[rng.int(task.vocabulary.length)];
      words.push(CASES[rng.int(CASES.length)](word));
    }
    let text = rng.next() < 0.2 ? SEPARATORS[rng.int(SEPARATORS.length)] : '';
    words.forEach((w, j) => (text += (j > 0 ? SEPARATORS[rng.int(SEPARATORS.length)] : '') + w));
    const completion = rng.next() < 0.2 ? [{ role: 'assistant', content: text }] : text;
    rows.push({ completion, topic, rollout: { prompt: { topic }, words, text: words.join(' ') } });
  }
  return rows;
}

const METHOD_SETTINGS: MethodConfigInput[] = [
  { method: 'static' },
  { method: 'gdpo' },
  { method: 'sa-mrpo', gamma: 1.5 },
  { method: 'worst' },
  { method: 'focal' },
  { method: 'focal', base: 'saturation', scale: 'snr' },
  { method: 'focal', scale: 'none', norm: 'group', beta: 0.5 },
  { method: 'focal', projection: false, gamma: 0, alphaMin: 0, beta: 0 },
  { method: 'focal', base: 'saturation', scale: 'group-std', alphaMin: 0.3, gamma: 4 },
  // Four steps cross the warm-up's end: weights for steps 1-2, focal coefficients after.
  { method: 'focal', warmup: 2 },
];

/** Random batches for one method: binary, grid or real scores, zero weights, judges, 4 steps. */
function aggregatorRuns(rng: Rng) {
  return METHOD_SETTINGS.flatMap((setting) =>
    Array.from({ length: 3 }, (_, variant) => {
      const K = 1 + rng.int(4);
      const G = 2 + rng.int(4);
      const B = 1 + rng.int(5);
      const N = B * G;
      // Interleaved group ids in one run of three, contiguous (as TRL lays them out) otherwise.
      const groups = Array.from(
        { length: N },
        (_, i) => (variant === 2 ? (i * 7) % B : Math.floor(i / G)) * 3 + 1,
      );
      const weights: number[] = Array.from({ length: K }, (_, k) =>
        k > 0 && rng.next() < 0.2 ? 0 : rng.next() * 3,
      );
      if (!weights.some((w) => w > 0)) weights[0] = 1;
      const judge = Array.from({ length: K }, () =>
        rng.next() < 0.5 ? { fp: 0, fn: 0 } : { fp: rng.next() * 0.3, fn: rng.next() * 0.3 },
      );
      const kind = rng.int(3);
      const score = () => (kind === 0 ? rng.int(2) : kind === 1 ? rng.int(5) / 4 : rng.next());
      const steps = Array.from({ length: 4 }, () =>
        Array.from({ length: N }, () => Array.from({ length: K }, score)),
      );
      return { config: methodConfigSchema.parse(setting), groups, weights, judge, steps };
    }),
  );
}

interface PythonResult {
  advantages: number[];
  weights: number[];
  saturation: number[];
  state: FocalState | null;
}

function expectClose(actual: readonly number[], expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i];
    if (Math.abs(actual[i] - e) > 1e-12 * Math.max(1, Math.abs(e)))
      expect.fail(`${what}[${i}]: python ${actual[i]}, lab ${e}`);
  }
}

describe.skipIf(SKIP_PYTHON && problem !== null)('TRL export parity (python3)', () => {
  it('has python3 with numpy', () => {
    expect(problem, problem ?? '').toBeNull();
  });

  it.each(TASKS.map((t) => [t.id, t] as const))(
    'scores and advantages of the exported package match the lab on %s',
    (_id, task) => {
      if (problem) throw new Error(problem);
      const rng = new Rng(TASKS.indexOf(task) + 11, 'trl-parity');
      const rubric = everyKind(task, rng);
      const exported = exportToTrl(experiment({ task: task.id, rubric, optim: { betaKL: 0 } }));
      if (!exported.ok) throw new Error(JSON.stringify(exported.problems));
      const root = writePackage(exported.files, task.id);

      const rows = completions(task, rng, 300);
      const runs = aggregatorRuns(rng);
      const casesPath = join(dir, `${task.id}-cases.json`);
      writeFileSync(
        casesPath,
        JSON.stringify({
          completions: rows.map((r) => r.completion),
          topics: rows.map((r) => r.topic),
          aggregator: runs,
        }),
      );
      const out = JSON.parse(
        execFileSync('python3', [join(__dirname, 'parity.py'), root, casesPath], {
          maxBuffer: 64 << 20,
        }).toString(),
      ) as {
        engine: string;
        names: string[];
        ids: string[];
        scores: number[][];
        aggregator: PythonResult[][];
      };

      const compiled = compileRubric(rubric, task.lexicon);
      expect(out.names).toEqual(compiled.ids); // TRL's metric names are the criterion ids
      expect(out.engine).toMatch(/^(re|re2)$/);
      const lab = compiled.scoreBatch(rows.map((r) => r.rollout));
      const K = compiled.ids.length;
      compiled.ids.forEach((id, k) => {
        const column = rows.map((_, n) => lab[n * K + k]);
        // Scores are computed with the same double arithmetic: equal, not just close.
        expect(out.scores[k], `criterion ${id}`).toEqual(column);
      });
      // The completions exercise both outcomes of (nearly) every criterion.
      const varying = compiled.ids.filter((_, k) => new Set(rows.map((_, n) => lab[n * K + k])).size > 1);
      expect(varying.length).toBeGreaterThanOrEqual(K - 2);

      runs.forEach((run, r) => {
        let state: FocalState | null = null;
        run.steps.forEach((scores, step) => {
          const want = computeAdvantages({
            scores,
            groups: run.groups,
            weights: run.weights,
            judge: run.judge,
            config: run.config,
            state,
          });
          state = want.state;
          const got = out.aggregator[r][step];
          const what = `${run.config.method} run ${r} step ${step + 1}`;
          expectClose(got.advantages, want.advantages, `${what} advantages`);
          expectClose(got.weights, want.weights, `${what} weights`);
          expectClose(got.saturation, want.saturation, `${what} saturation`);
          if (want.state === null) expect(got.state, what).toBeNull();
          else {
            expect(got.state?.steps, what).toBe(want.state.steps);
            expectClose(got.state?.ema ?? [], want.state.ema, `${what} state.ema`);
          }
        });
      });
    },
    60_000,
  );
});
