/**
 * The export run for real: every built-in experiment (public/experiments and the app's presets),
 * plus a variant for each method its base does not cover, is exported and trained for a few GRPO
 * steps by TRL (the exported smoke_test.py: a tiny randomly initialised model, on the CPU; packages
 * that differ only in names are trained once, in parallel processes). On the
 * completions TRL generated, the rewards it logged per criterion must be the lab's scores, and the
 * advantages its loss used must be the lab's computeAdvantages (state carried from step to step),
 * to float32 precision: TRL keeps rewards and advantages in float32.
 *
 * Needs a Python with the export's requirements.txt: FOCAL_TRL_PYTHON (CI's .ci/run makes a venv
 * and sets it), else python3. Where neither has trl and torch, the test is skipped with that reason,
 * except under CI with FOCAL_TRL_PYTHON set, where a broken venv must fail.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../../src/app/presets';
import { ACCEPTABLE, exportToTrl } from '../../../src/core/export/trl';
import { coreOf, parseExperiment, resolveVariants, rubricOf } from '../../../src/core/experiment/resolve';
import type { Experiment, ExperimentCore } from '../../../src/core/experiment/schema';
import { computeAdvantages, type FocalState } from '../../../src/core/reward';
import { compileRubric } from '../../../src/core/rubric';
import { getTask } from '../../../src/core/task';

const PYTHON = process.env.FOCAL_TRL_PYTHON || 'python3';
const run = promisify(execFile);
const STEPS = 2;

function hasTrl(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import trl, torch, transformers, datasets, numpy'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}
const HAS_TRL = hasTrl();
const MUST_RUN = process.env.CI === 'true' && !!process.env.FOCAL_TRL_PYTHON;

interface Case {
  label: string;
  experiment: Experiment;
  variant?: string;
  core: ExperimentCore;
}

function parsed(input: unknown, label: string): Experiment {
  const p = parseExperiment(input);
  if (!p.ok) throw new Error(`${label}: ${JSON.stringify(p.problems)}`);
  return p.value;
}

/** Every built-in experiment's base, then the first variant of each method no base covers. */
function cases(): Case[] {
  const folder = join(__dirname, '../../../public/experiments');
  const experiments = [
    ...readdirSync(folder)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => ({ label: f, experiment: parsed(JSON.parse(readFileSync(join(folder, f), 'utf8')), f) })),
    ...PRESETS.map((p) => ({ label: `preset ${p.id}`, experiment: parsed(p.experiment, p.id) })),
  ];
  const out: Case[] = experiments.map(({ label, experiment }) => ({
    label,
    experiment,
    core: coreOf(experiment),
  }));
  const covered = new Set(out.map((c) => c.core.method.method));
  for (const { label, experiment } of experiments)
    for (const v of resolveVariants(experiment))
      if (!covered.has(v.config.method.method) && experiment.variants.length > 0) {
        covered.add(v.config.method.method);
        out.push({ label: `${label}, variant ${v.name}`, experiment, variant: v.name, core: v.config });
      }
  return out;
}

interface Step {
  completions: (string | { role: string; content: string }[])[];
  topics: string[];
  rewards: number[][];
  logged: Record<string, number | null>;
  used: { rows: number[]; advantage: number }[];
}

const text = (c: Step['completions'][number]) => (typeof c === 'string' ? c : (c.at(-1)?.content ?? ''));
/** float32 precision: a few units in the last place of a float32, relative to max(1, |x|). */
const close32 = (a: number, b: number) => Math.abs(a - b) <= 4 * 2 ** -23 * Math.max(1, Math.abs(b));

const CASES = cases();
const dir = mkdtempSync(join(tmpdir(), 'focal-lab-trl-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let results: { root: string; problems: string[]; record: string }[] = [];
const trainedAs: number[] = [];

describe.skipIf(!HAS_TRL && !MUST_RUN)(
  `TRL smoke run of every built-in experiment (skipped: trl and torch do not import in ${PYTHON})`,
  () => {
    beforeAll(async () => {
      // Packages that differ only in their names train alike: each distinct one is trained once.
      const distinct = new Map<string, number>();
      const roots: string[] = [];
      CASES.forEach((c, k) => {
        const made = exportToTrl(c.experiment, { variant: c.variant, accept: [...ACCEPTABLE] });
        if (!made.ok) throw new Error(`${c.label}: ${JSON.stringify(made.problems)}`);
        const {
          experiment: _e,
          variant: _v,
          names: _n,
          ...values
        } = JSON.parse(made.files.find((f) => f.path === 'focal_lab/rubric.json')?.text ?? '{}') as Record<
          string,
          unknown
        >;
        const key = JSON.stringify(values);
        const root = join(dir, `package-${k}`);
        for (const f of made.files) {
          mkdirSync(dirname(join(root, f.path)), { recursive: true });
          writeFileSync(join(root, f.path), f.text);
        }
        if (!distinct.has(key)) distinct.set(key, roots.push(root) - 1);
        trainedAs[k] = distinct.get(key) ?? -1;
      });
      // One single-threaded process per core (up to 4), each importing torch and trl once.
      const processes = Math.max(1, Math.min(4, availableParallelism()));
      const chunks = Array.from({ length: processes }, (_, p) => roots.filter((_, r) => r % processes === p));
      const runs = chunks.map(async (chunk, p) => {
        const out = join(dir, `run-${p}`);
        mkdirSync(out);
        await run(PYTHON, [join(__dirname, 'smoke_all.py'), String(STEPS), out, ...chunk], {
          env: {
            ...process.env,
            HF_HUB_OFFLINE: '1',
            HF_DATASETS_OFFLINE: '1',
            TOKENIZERS_PARALLELISM: 'false',
          },
          timeout: 900_000,
          maxBuffer: 256 << 20,
        });
        return JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as typeof results;
      });
      const byRoot = new Map((await Promise.all(runs)).flat().map((r) => [r.root, r]));
      results = roots.map((root) => byRoot.get(root) ?? { root, problems: ['not run'], record: '' });
    }, 900_000);

    it('covers every method', () => {
      expect(new Set(CASES.map((c) => c.core.method.method))).toEqual(
        new Set(['static', 'gdpo', 'sa-mrpo', 'worst', 'focal']),
      );
    });

    it.each(CASES.map((c, k) => [c.label, k] as const))('%s trains in TRL as in the lab', (_label, k) => {
      const c = CASES[k];
      const result = results[trainedAs[k]];
      expect(result.problems).toEqual([]);
      const record = JSON.parse(readFileSync(result.record, 'utf8')) as { ids: string[]; steps: Step[] };
      const task = getTask(c.core.task);
      const compiled = compileRubric(rubricOf(c.core), task.lexicon);
      expect(record.ids).toEqual(compiled.ids);
      const K = compiled.ids.length;
      const lab = JSON.parse(readFileSync(join(result.root, 'focal_lab/rubric.json'), 'utf8')) as {
        judges: { fp: number; fn: number }[];
      };
      expect(record.steps.length).toBe(STEPS);
      let state: FocalState | null = null;
      record.steps.forEach((step, s) => {
        const rollouts = step.completions.map((completion, n) => {
          const words = text(completion)
            .split(/[ \t\n\r\f\v]+/)
            .filter((w) => w !== '');
          return { prompt: { topic: step.topics[n] }, words, text: words.join(' ') };
        });
        const scores = compiled.scoreBatch(rollouts);
        // TRL's reward matrix (float32) holds the lab's score of each completion, rounded to float32.
        step.rewards.forEach((row, n) =>
          row.forEach((r, kk) => {
            if (r !== Math.fround(scores[n * K + kk]))
              expect.fail(
                `step ${s + 1}, completion ${n}, ${compiled.ids[kk]}: TRL ${r}, lab ${scores[n * K + kk]}`,
              );
          }),
        );
        // rewards/<id>/mean, as TRL logged it, is the mean of the lab's scores.
        compiled.ids.forEach((id, kk) => {
          let sum = 0;
          for (let n = 0; n < rollouts.length; n++) sum += scores[n * K + kk];
          const logged = step.logged[id];
          if (logged === null || !close32(logged, sum / rollouts.length))
            expect.fail(`step ${s + 1}: rewards/${id}/mean logged ${logged}, lab ${sum / rollouts.length}`);
        });
        const G = c.core.sampling.groupSize;
        const want = computeAdvantages({
          scores,
          groups: rollouts.map((_, n) => Math.floor(n / G)),
          weights: compiled.weights,
          judge: lab.judges,
          config: c.core.method,
          state,
        });
        state = want.state;
        // Each completion's advantage reached the loss mu times, and is the lab's.
        expect(step.used.length).toBe(c.core.optim.mu * rollouts.length);
        for (const used of step.used)
          if (!used.rows.some((n) => close32(used.advantage, want.advantages[n])))
            expect.fail(
              `step ${s + 1}: TRL's loss used advantage ${used.advantage}; the lab gives ` +
                used.rows.map((n) => want.advantages[n]).join(' or '),
            );
      });
    });
  },
);
