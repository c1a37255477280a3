/**
 * The experiment being edited: one draft object bound to the form, validated as a whole on every
 * change by `parseExperiment` (schema, then the task's lexicon for every rubric). Invalid values stay in
 * the draft, with their messages beside the fields; only a validated experiment reaches a run.
 */
import { parseExperiment } from '../../core/experiment/resolve';
import { experimentSchema, type Experiment, type ExperimentInput } from '../../core/experiment/schema';
import { rubricSchema, type Rubric } from '../../core/rubric';
import { getTask, TASK_IDS } from '../../core/task';
import type { Parsed, Problem } from '../../core/validation';
import { problemLines, ProblemIndex } from '../model/problems';
import { PRESETS } from '../presets';
import type { Messages } from './messages.svelte';

const DRAFT_KEY = 'focal-lab:draft';

/** A task's default rubric with every default filled in, so that the editor shows every field. */
export function defaultRubricOf(taskId: string): Rubric {
  return rubricSchema.parse(getTask(TASK_IDS.includes(taskId) ? taskId : TASK_IDS[0]).defaultRubric);
}

/** Fill defaults and make the rubric explicit, so that the form shows everything a run will use. */
export function materialise(experiment: Experiment): Experiment {
  return { ...experiment, rubric: experiment.rubric ?? defaultRubricOf(experiment.task) };
}

/** The first visit opens the first teaching scenario, so that Run shows something at once. */
export function defaultExperiment(): Experiment {
  const parsed = validateDraft(PRESETS[0].experiment);
  return materialise(
    parsed.ok
      ? parsed.value
      : experimentSchema.parse({ version: 2, task: TASK_IDS[0], name: 'My experiment' }),
  );
}

/** The form goes through the same validation as a link, a file or an import. */
export function validateDraft(draft: unknown): Parsed<Experiment> {
  return parseExperiment(draft);
}

export class ExperimentDraft {
  value: Experiment = $state(defaultExperiment());
  /** Which preset (if any) the draft came from, for its explanation. */
  presetId: string | null = $state(PRESETS[0].id);

  parsed: Parsed<Experiment> = $derived(validateDraft($state.snapshot(this.value)));
  problems: ProblemIndex = $derived(new ProblemIndex(this.parsed.ok ? [] : this.parsed.problems));
  valid: Experiment | null = $derived(this.parsed.ok ? this.parsed.value : null);

  /** The last change that replaced part of the user's setup, while it can be undone. */
  undoable: { id: number; label: string } | null = $state(null);
  #before: { value: Experiment; presetId: string | null } | null = null;
  #changes = 0;

  /**
   * Runs `change` (a reset, a removal, a preset or file replacing the setup) after keeping the
   * draft as it was, so that `undo()` brings it back. `change` returns false when it changed nothing.
   */
  replace(label: string, change: () => boolean | void): void {
    const before = { value: $state.snapshot(this.value) as Experiment, presetId: this.presetId };
    if (change() === false) return;
    this.#before = before;
    this.undoable = { id: ++this.#changes, label };
  }

  undo(): void {
    if (!this.#before) return;
    this.value = this.#before.value;
    this.presetId = this.#before.presetId;
    this.#before = null;
    this.undoable = null;
  }

  /** Replace the draft with a validated experiment (a preset, a link, a file). */
  load(experiment: Experiment, presetId: string | null = null): void {
    this.value = materialise(structuredClone(experiment));
    this.presetId = presetId;
  }

  /** Returns the problems of `input` instead of loading it when it is invalid. */
  loadInput(input: ExperimentInput, presetId: string | null = null): Parsed<Experiment> {
    const parsed = validateDraft(input);
    if (parsed.ok) this.load(parsed.value, presetId);
    return parsed;
  }

  setTask(taskId: string): void {
    this.value.task = taskId;
    if (TASK_IDS.includes(taskId)) this.value.rubric = defaultRubricOf(taskId);
  }

  resetRubric(): void {
    this.value.rubric = defaultRubricOf(this.value.task);
  }

  /** Keep the last valid setup across reloads (a link still wins). */
  save(): void {
    if (!this.valid || typeof localStorage === 'undefined') return;
    try {
      localStorage.setItem(DRAFT_KEY, JSON.stringify(this.valid));
    } catch {
      // Storage full or blocked: the draft simply is not kept.
    }
  }

  restoreSaved(): boolean {
    if (typeof localStorage === 'undefined') return false;
    const text = localStorage.getItem(DRAFT_KEY);
    if (!text) return false;
    try {
      const parsed = validateDraft(JSON.parse(text));
      if (parsed.ok) this.load(parsed.value);
      return parsed.ok;
    } catch {
      return false;
    }
  }
}

/** Loads a preset into the setup (undoable); an invalid preset says what was wrong instead. */
export function loadPreset(draft: ExperimentDraft, messages: Messages, id: string): void {
  const chosen = PRESETS.find((p) => p.id === id);
  if (!chosen) return;
  const problems: Problem[] = [];
  draft.replace(`Loaded the preset “${chosen.title}”`, () => {
    const parsed = draft.loadInput(chosen.experiment, chosen.id);
    if (!parsed.ok) problems.push(...parsed.problems);
    return parsed.ok;
  });
  if (problems.length > 0)
    messages.show('error', `Preset “${chosen.title}” is invalid:`, problemLines(problems));
}
