import { describe, expect, it } from 'vitest';
import { parseDialResults, DIAL_RESULTS_FORMAT, type DialResultsInput } from '../../../src/core/dial/results';

/** The smallest file that passes: one point, one size, one arm, two seeds. */
function minimal(): DialResultsInput {
  const rubric = {
    criteria: [
      { id: 'lag', name: 'Lagging', params: { kind: 'includes' as const, words: ['stir'] }, weight: 1 },
      { id: 'topic', name: 'Topic', params: { kind: 'topic' as const }, weight: 9 },
    ],
  };
  const setting = { baseRate: 0.05, weightShare: 0.1, conflict: 'none' as const, criteria: 2 };
  return {
    format: DIAL_RESULTS_FORMAT,
    version: 1,
    task: 'kitchen',
    dials: [{ id: 'baseRate', label: 'Base rate', values: [{ value: 0.05, point: 'centre' }] }],
    centre: setting,
    arms: [{ id: 'focal', label: 'focal', method: 'focal' }],
    sizes: ['small'],
    seeds: [1, 2],
    tuningSeeds: [],
    steps: 10,
    eval: { every: 5, samples: 8 },
    points: [
      {
        id: 'centre',
        label: 'centre',
        setting,
        dials: ['baseRate'],
        rubric,
        lagging: 'lag',
        measured: {
          corpusSize: 100,
          laggingRate: 0.05,
          cap: { max: null, target: null, pass: null, passGivenLagging: null, phi: null },
          criteria: [{ id: 'lag', kind: 'includes', passRate: 0.05, phiWithLagging: 1 }],
          weightShare: 0.1,
        },
        sizes: [
          {
            size: 'small',
            experiment: { version: 2, task: 'kitchen', rubric, variants: [{ name: 'focal' }] },
            tuning: { multipliers: [1], scores: [null], chosen: 1 },
            startLaggingRate: 0.04,
            arms: [
              {
                arm: 'focal',
                rubric: [0.5, null],
                worst: [0.1, null],
                lagging: [0.1, null],
                allPass: [0, null],
                auc: [0.4, null],
                worstCriterion: ['lag', null],
              },
            ],
            gains: [],
            traces: [],
          },
        ],
      },
    ],
    machine: { cores: 2, loadStart: [1, 1, 1], loadEnd: [1, 1, 1], minutes: 1, jobs: 1 },
  };
}

describe('parseDialResults', () => {
  it('reads a minimal file, with nulls where a statistic is undefined', () => {
    const parsed = parseDialResults(JSON.parse(JSON.stringify(minimal())));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.value.points[0].sizes[0].experiment.task).toBe('kitchen');
  });

  it('names the bad field', () => {
    const bad = minimal() as unknown as { points: { sizes: { tuning: { chosen: unknown } }[] }[] };
    bad.points[0].sizes[0].tuning.chosen = 'two';
    const parsed = parseDialResults(bad);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain('points.0.sizes.0.tuning.chosen');
  });

  it("checks each point's experiment as an experiment file", () => {
    const bad = minimal() as unknown as { points: { sizes: { experiment: { task: string } }[] }[] };
    bad.points[0].sizes[0].experiment.task = 'nowhere';
    const parsed = parseDialResults(bad);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain('points.0.sizes.0.experiment.task');
  });

  it('refuses another format', () => {
    const parsed = parseDialResults({ ...minimal(), format: 'focal-lab-results' });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain('format');
  });
});
