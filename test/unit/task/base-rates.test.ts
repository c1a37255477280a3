/**
 * Base rates of each default criterion on the warm-start distribution (grammar sentences about
 * training topics): every criterion must be learnable (sometimes met) and not already solved.
 * The printed table is the one in docs/benchmarks.md.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/random/rng';
import { compileRubric, passes } from '../../../src/core/rubric';
import { TASKS, type Task } from '../../../src/core/task';

const SAMPLES = 2000;

interface BaseRates {
  ids: readonly string[];
  pass: number[];
  mean: number[];
  allPass: number;
}

function baseRates(task: Task, seed: number): BaseRates {
  const rubric = compileRubric(task.defaultRubric, task.lexicon);
  const K = rubric.ids.length;
  const rng = new Rng(seed, 'corpus');
  const pass = new Array<number>(K).fill(0);
  const mean = new Array<number>(K).fill(0);
  let allPass = 0;
  for (let n = 0; n < SAMPLES; n++) {
    const topic = rng.pick(task.topics.train);
    const words = task.generateSentence(rng, topic);
    const scores = rubric.score({ prompt: { topic }, words, text: words.join(' ') });
    scores.forEach((s, k) => {
      mean[k] += s / SAMPLES;
      if (passes(s)) pass[k] += 1 / SAMPLES;
    });
    if (scores.every(passes)) allPass += 1 / SAMPLES;
  }
  return { ids: rubric.ids, pass, mean, allPass };
}

describe('base rates on the grammar corpus', () => {
  const rows: string[] = [];

  it.each(TASKS.map((t) => [t.id, t] as const))(
    '%s: every criterion is between 2%% and 95%%',
    (_id, task) => {
      const rates = baseRates(task, 7);
      rates.ids.forEach((id, k) => {
        rows.push(
          `${task.id.padEnd(8)} ${id.padEnd(12)} pass ${(100 * rates.pass[k]).toFixed(1).padStart(5)}%  mean ${rates.mean[k].toFixed(3)}`,
        );
        expect(rates.pass[k], `${task.id}/${id}`).toBeGreaterThan(0.02);
        expect(rates.pass[k], `${task.id}/${id}`).toBeLessThan(0.95);
      });
      rows.push(
        `${task.id.padEnd(8)} ${'(all pass)'.padEnd(12)} pass ${(100 * rates.allPass).toFixed(1).padStart(5)}%`,
      );
      // Another seed agrees to within sampling noise.
      const again = baseRates(task, 8);
      rates.pass.forEach((p, k) => expect(Math.abs(again.pass[k] - p)).toBeLessThan(0.05));
    },
  );

  it('prints the table', () => {
    console.log(`base rates (${SAMPLES} sentences per task, seed 7):\n${rows.join('\n')}`);
    expect(rows.length).toBeGreaterThan(0);
  });
});
