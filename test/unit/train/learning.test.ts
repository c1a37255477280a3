/**
 * RL must actually improve the policy: a small preset raises its rubric score over the
 * warm-started policy within a hundred steps (wasm backend, a few seconds).
 */
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../src/cli/backend-node';
import { experimentCoreSchema } from '../../../src/core/experiment/schema';
import { runToEnd } from '../../../src/core/train/run';

beforeAll(() => useBackend('wasm'));
afterAll(() => useBackend('cpu'));

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('learning', () => {
  it('improves the rubric score of a small preset over its warm start', async () => {
    const config = experimentCoreSchema.parse({
      task: 'meadow',
      model: { size: 'small' },
      method: { method: 'static' },
      sampling: { groupSize: 8, promptsPerStep: 4 },
      warmStart: { steps: 600 },
      steps: 100,
      eval: { every: 0, samples: 16 },
    });
    const result = await runToEnd({ variant: 'learning', config, seed: 1 }, 'wasm');
    const early = mean(result.metrics.slice(0, 10).map((m) => m.rubricScore));
    const late = mean(result.metrics.slice(-10).map((m) => m.rubricScore));
    console.log(
      `rubric score on training rollouts: first 10 steps ${early.toFixed(3)}, last 10 ${late.toFixed(3)}; held-out ${result.evals[0].rubricScore.toFixed(3)} -> ${result.evals[result.evals.length - 1].rubricScore.toFixed(3)}`,
    );
    // On the training prompts (the rollouts RL saw) and on held-out prompts (exact rule).
    expect(late).toBeGreaterThan(early + 0.05);
    expect(result.evals[result.evals.length - 1].rubricScore).toBeGreaterThan(result.evals[0].rubricScore);
    // Shared machines under load have taken over 60 s.
  }, 240_000);
});
