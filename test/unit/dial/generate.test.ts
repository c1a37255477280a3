/**
 * The dial's rubric generator: deterministic, general over tasks (hidden checks use other tasks
 * than kitchen), every rubric valid, K criteria exactly, the weight share exact, and the base rate
 * and conflict measured as reported.
 */
import { describe, expect, it } from 'vitest';
import { conditionalRate, dialCorpus, passRate, passVector, phi } from '../../../src/core/dial/corpus';
import { CAP_ID, dialRubric, LAGGING_ID } from '../../../src/core/dial/generate';
import { DIAL_CENTRE, dialPoints } from '../../../src/core/dial/points';
import { parseExperiment } from '../../../src/core/experiment/resolve';
import { compileRubric } from '../../../src/core/rubric/compile';
import { rubricSchema } from '../../../src/core/rubric/schema';
import { getTask, TASKS } from '../../../src/core/task';

/** A smaller corpus keeps the tests fast; the generator's statistics are the same kind. */
const opts = { corpusSize: 1500 };

describe('phi and conditional rates (by hand)', () => {
  it('match hand-computed 2x2 tables', () => {
    const a = Uint8Array.from([1, 1, 0, 0]);
    const b = Uint8Array.from([1, 0, 1, 0]);
    expect(phi(a, a)).toBe(1);
    expect(phi(a, b)).toBe(0);
    expect(phi(a, Uint8Array.from([0, 0, 1, 1]))).toBe(-1);
    expect(Number.isNaN(phi(a, Uint8Array.from([1, 1, 1, 1])))).toBe(true);
    // a = [1,1,1,0], b = [1,0,0,0]: n11 1, n10 2, n01 0, n00 1 -> (1 - 0) / sqrt(3 * 1 * 1 * 3) = 1/3
    expect(phi(Uint8Array.from([1, 1, 1, 0]), Uint8Array.from([1, 0, 0, 0]))).toBeCloseTo(1 / 3, 12);
    expect(conditionalRate(a, b)).toBe(0.5);
    expect(passRate(Uint8Array.from([1, 0, 0, 0]))).toBe(0.25);
  });
});

describe('dialRubric', () => {
  it('is deterministic and ignores nothing of the setting', () => {
    const task = getTask('kitchen');
    const a = dialRubric(task, DIAL_CENTRE, opts);
    const b = dialRubric(task, DIAL_CENTRE, opts);
    expect(b).toEqual(a);
    expect(dialRubric(task, dialPoints()[0], opts)).toEqual(a);
    const strong = dialRubric(task, { ...DIAL_CENTRE, conflict: 'strong' }, opts);
    expect(strong.rubric).not.toEqual(a.rubric);
  });

  it.each(['kitchen', 'harbour', 'weather', 'diary'])(
    'meets the base rate on %s within 15 percent (targets 0.05, 0.1, 0.2)',
    (id) => {
      const task = getTask(id);
      for (const baseRate of [0.05, 0.1, 0.2]) {
        const r = dialRubric(task, { ...DIAL_CENTRE, baseRate }, opts);
        expect(Math.abs(r.measured.laggingRate - baseRate)).toBeLessThanOrEqual(0.15 * baseRate);
      }
    },
  );

  it('reports the rate it measured, and says so when the target is out of reach', () => {
    const task = getTask('kitchen');
    const r = dialRubric(task, { ...DIAL_CENTRE, baseRate: 0.02 }, opts);
    const lag = r.rubric.criteria.find((c) => c.id === LAGGING_ID);
    if (!lag) throw new Error('no lagging criterion');
    const corpus = dialCorpus(task, opts.corpusSize);
    expect(r.measured.laggingRate).toBe(passRate(passVector(task, lag.params as never, corpus)));
    // The kitchen's rarest non-topic word is above 2% of sentences: the closest is taken and noted.
    if (Math.abs(r.measured.laggingRate - 0.02) > 0.004)
      expect(r.measured.notes.join(' ')).toContain('base rate');
  });

  it('never uses a topic word in the lagging set, and every word is one the grammar generates', () => {
    for (const task of TASKS) {
      const r = dialRubric(task, DIAL_CENTRE, opts);
      const lag = r.rubric.criteria[0].params;
      if (lag.kind !== 'includes') throw new Error('lagging is not includes');
      const generated = new Set(dialCorpus(task, opts.corpusSize).flatMap((d) => d.words));
      for (const w of lag.words) {
        expect(task.topics.train).not.toContain(w);
        expect(task.topics.heldOut).not.toContain(w);
        expect(generated.has(w)).toBe(true);
      }
    }
  });

  it('builds valid rubrics of exactly K criteria with the exact weight share, on every task and point', () => {
    for (const task of TASKS)
      for (const point of dialPoints()) {
        const r = dialRubric(task, point.setting, { corpusSize: 400 });
        expect(rubricSchema.safeParse(r.rubric).success).toBe(true);
        // Valid for the task too (words in its vocabulary), as any experiment file is checked.
        expect(parseExperiment({ version: 2, task: task.id, rubric: r.rubric }).ok).toBe(true);
        expect(r.rubric.criteria).toHaveLength(point.setting.criteria);
        expect(new Set(r.rubric.criteria.map((c) => c.id)).size).toBe(point.setting.criteria);
        const compiled = compileRubric(r.rubric, task.lexicon);
        expect(compiled.weights[compiled.ids.indexOf(LAGGING_ID)]).toBeCloseTo(point.setting.weightShare, 12);
        expect(r.measured.weightShare).toBeCloseTo(point.setting.weightShare, 12);
      }
  });

  it('turns the cap with the conflict: none passes everything, strong costs the lagging criterion more than mild', () => {
    const task = getTask('kitchen');
    const [none, mild, strong] = (['none', 'mild', 'strong'] as const).map((conflict) =>
      dialRubric(task, { ...DIAL_CENTRE, conflict }, opts),
    );
    expect(none.measured.cap.pass).toBe(1);
    expect(none.measured.cap.passGivenLagging).toBe(1);
    expect(none.measured.cap.target).toBeNull();
    const given = (r: typeof mild) => r.measured.cap.passGivenLagging ?? Number.NaN;
    expect(given(strong)).toBeLessThan(given(mild));
    expect(given(mild)).toBeLessThan(1);
    // The same lagging criterion at every conflict: only the cap moves along the dial.
    expect(strong.rubric.criteria[0]).toEqual(mild.rubric.criteria[0]);
    expect(mild.rubric.criteria[1].id).toBe(CAP_ID);
  });

  it('keeps the fillers of a smaller rubric when the criteria dial grows it', () => {
    const task = getTask('harbour');
    const ids = (criteria: number) =>
      dialRubric(task, { ...DIAL_CENTRE, criteria }, opts).rubric.criteria.map((c) => c.id);
    const [four, six, twelve] = [ids(4), ids(6), ids(12)];
    expect(six.slice(0, 4)).toEqual(four);
    expect(twelve.slice(0, 6)).toEqual(six);
  });
});
