/** What `lab dial` writes passes its own schema, and a render of it holds every point. */
import { describe, expect, it } from 'vitest';
import { dialMarkdown } from '../../../src/cli/dial-report';
import { dialSvg } from '../../../src/cli/dial-figure';
import { assembleDial } from '../../../src/core/dial/assemble';
import { DEFAULT_RUN_SETTINGS, DIAL_ARMS, dialExperiment } from '../../../src/core/dial/experiment';
import { dialRubric } from '../../../src/core/dial/generate';
import { dialPoints } from '../../../src/core/dial/points';
import { parseDialResults } from '../../../src/core/dial/results';
import { parseExperiment } from '../../../src/core/experiment/resolve';
import type { RunResult } from '../../../src/core/records/run-result';
import { getTask } from '../../../src/core/task';

describe('assembleDial', () => {
  it('writes a file that parseDialResults reads back, NaN statistics as null', () => {
    const task = getTask('kitchen');
    const spec = dialPoints()[0];
    const generated = dialRubric(task, spec.setting, { corpusSize: 400 });
    const arms = DIAL_ARMS.filter((a) => ['static', 'focal', 'tuned-static'].includes(a.id));
    const settings = { ...DEFAULT_RUN_SETTINGS, seeds: [1, 2] };
    const parsed = parseExperiment(dialExperiment('kitchen', spec, generated, 'small', settings, arms, 2));
    if (!parsed.ok) throw new Error('invalid experiment');
    const ids = generated.rubric.criteria.map((c) => c.id);
    const result = (variant: string, seed: number, score: number): RunResult => ({
      variant,
      seed,
      backend: 'cpu',
      config: parsed.value,
      criterionIds: ids,
      criterionNames: ids,
      metrics: [],
      evals: [0, 80].map((step) => ({
        step,
        criterionMeans: ids.map(() => (step === 0 ? 0.1 : score)),
        rubricScore: step === 0 ? 0.1 : score,
        worstScore: 0.1,
        allPassRate: 0,
        spread: 0,
        samples: 64,
      })),
      seconds: 1,
    });
    // Seed 2 of focal is missing: its gain has one pair, so NaN intervals that must go out as null.
    const results = [
      result('static', 1, 0.5),
      result('static', 2, 0.6),
      result('focal', 1, 0.7),
      result('tuned-static', 1, 0.5),
    ];
    const file = assembleDial(
      [
        {
          spec,
          generated,
          sizes: [
            {
              size: 'small',
              experiment: parsed.value,
              tuning: { multipliers: [1, 2], scores: [0.4, 0.5], chosen: 2 },
              results,
            },
          ],
        },
      ],
      {
        task: 'kitchen',
        arms,
        sizes: ['small'],
        seeds: [1, 2],
        tuningSeeds: [101],
        steps: 80,
        eval: { every: 10, samples: 64 },
        predictions: 'focal wins at low base rates',
        machine: { cores: 2, loadStart: [1, 1, 1], loadEnd: [1, 1, 1], minutes: 1, jobs: 2, node: 'v20' },
        createdAt: '2026-12-03T15:00:00Z',
      },
    );
    const reread = parseDialResults(JSON.parse(JSON.stringify(file)));
    if (!reread.ok) throw new Error(reread.message);
    const size = reread.value.points[0].sizes[0];
    expect(size.arms.find((a) => a.arm === 'focal')?.rubric).toEqual([0.7, null]);
    const gain = size.gains.find((g) => g.metric === 'rubric' && g.baseline === 'static');
    expect(gain?.n).toBe(1);
    expect(gain?.low).toBeNull();
    expect(size.startLaggingRate).toBeCloseTo(0.1, 12);
    expect(reread.value.arms.map((a) => a.id)).toEqual(['static', 'focal', 'tuned-static']);
    expect(dialMarkdown(reread.value)).toContain('`centre`');
    expect(dialSvg(reread.value)).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
  });
});
