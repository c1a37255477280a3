/**
 * The shipped model zoo (public/zoo): every task x size is there, every file matches its SHA-256,
 * loads into a policy of its task and size, and still has the quality recorded for it: its
 * held-out loss within the target of the grammar's entropy (recomputed here on the same held-out
 * sentences), and its recorded step-0 rates within the target of the corpus base rates.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_SIZES } from '../../../src/core/experiment/schema';
import { createPolicy, disposePolicy, setWeights } from '../../../src/core/policy';
import { useBackend } from '../../../src/cli/backend-node';
import { Rng } from '../../../src/core/random/rng';
import { TASKS, TASK_IDS, getTask, PROMPT_LENGTH, vocabularyOf } from '../../../src/core/task';
import { checkpointWeights, parseZooManifest, zooEntry } from '../../../src/core/zoo/manifest';
import { corpusLoss } from '../../../src/core/zoo/quality';
import { heldOutRng, heldOutSet } from '../../../src/core/zoo/train';
import { ZOO_PATH } from '../../../src/cli/zoo-source';
import { zooWeights } from '../../../src/core/zoo/source';

beforeAll(() => useBackend('wasm'));
afterAll(() => useBackend('cpu'));

const manifest = parseZooManifest(JSON.parse(readFileSync(join(ZOO_PATH, 'manifest.json'), 'utf8')));
/** Held-out sentences recomputed here (a subset of the 2,048 used in training, for time). */
const SENTENCES = 512;

describe('the model zoo', () => {
  it('has a base policy of every task, each for a known task and size, none twice', () => {
    const have = manifest.entries.map((e) => `${e.task}/${e.size}`);
    expect(new Set(have).size).toBe(have.length);
    for (const e of manifest.entries) {
      expect(TASK_IDS).toContain(e.task);
      expect(MODEL_SIZES).toContain(e.size);
    }
    for (const task of TASK_IDS) expect(manifest.entries.some((e) => e.task === task)).toBe(true);
  });

  it.each(manifest.entries.map((e) => [`${e.task}/${e.size}`, e] as const))(
    '%s: its hash, its layout and its held-out loss',
    async (_name, entry) => {
      const bytes = new Uint8Array(readFileSync(join(ZOO_PATH, entry.file)));
      const weights = await checkpointWeights(entry, bytes);
      const task = getTask(entry.task);
      const policy = createPolicy(
        { size: entry.size, vocabSize: vocabularyOf(task).length, maxLen: PROMPT_LENGTH + task.maxNew },
        new Rng(0),
      );
      try {
        setWeights(policy, weights); // every parameter by name, with its shape
        const held = heldOutSet(task, heldOutRng(task, manifest.seed), SENTENCES);
        const loss = await corpusLoss(policy, held.rows, held.T);
        const gap = loss - held.grammarNll / held.tokens;
        // A subset of the sentences: allow for its sampling error around the recorded gap.
        expect(gap).toBeLessThan(manifest.target.maxGap + 0.015);
        expect(Math.abs(gap - entry.figures.gap)).toBeLessThan(0.015);
      } finally {
        disposePolicy(policy);
      }
    },
  );

  it.each(manifest.entries.map((e) => [`${e.task}/${e.size}`, e] as const))(
    '%s: it is marked as reaching the target exactly when its figures do',
    (_name, entry) => {
      const f = entry.figures;
      const ratesWithin = f.step0.every(
        (rate, k) => Math.abs(rate - f.base[k]) <= manifest.target.rateTolerance,
      );
      expect(f.reached).toBe(f.gap <= manifest.target.maxGap && ratesWithin);
      // The float16 copy as shipped changes the held-out loss by less than a thousandth of a nat.
      expect(Math.abs(f.shippedLoss - f.loss)).toBeLessThan(1e-3);
    },
  );

  // Only tasks whose three sizes are all shipped.
  const complete = TASKS.filter((t) =>
    MODEL_SIZES.every((s) => manifest.entries.some((e) => e.task === t.id && e.size === s)),
  );
  it.skipIf(complete.length === 0).each(complete.map((t) => [t.id] as const))(
    '%s: a larger policy is at least as good on held-out prompts as every smaller one',
    (task) => {
      const figures = MODEL_SIZES.map((s) => zooEntry(manifest, task, s).figures);
      // The gap is measured on the same held-out sentences for every size (paired, not sampled), so
      // the order holds exactly: `lab zoo` trains a larger size until its gap is at most the smaller
      // ones'.
      for (let i = 1; i < figures.length; i++) {
        const bound = Math.min(...figures.slice(0, i).map((f) => f.gap));
        expect(figures[i].gap).toBeLessThanOrEqual(bound);
      }
      // Every size then starts RL where the grammar does: its step-0 rubric score is within the rate
      // tolerance of the corpus's, so no size starts worse (benchmark v1's confound).
      for (const f of figures)
        expect(Math.abs(f.step0RubricScore - f.baseRubricScore)).toBeLessThanOrEqual(
          manifest.target.rateTolerance,
        );
    },
  );

  it('refuses a checkpoint whose bytes do not match the manifest', async () => {
    const entry = manifest.entries[0];
    const bytes = new Uint8Array(readFileSync(join(ZOO_PATH, entry.file)));
    bytes[10] ^= 1;
    await expect(checkpointWeights(entry, bytes)).rejects.toThrow(/SHA-256/);
    await expect(checkpointWeights(entry, bytes.subarray(2))).rejects.toThrow(/bytes/);
  });

  it('the trainer path loads through the registered source, hash-checked', async () => {
    const weights = await zooWeights('meadow', 'small');
    expect(weights.map((w) => w.name)).toEqual(
      zooEntry(manifest, 'meadow', 'small').layout.map((l) => l.name),
    );
  });
});
