/**
 * Live edits: after the user edits the form, the valid rubric, method and learning rate go to the
 * selected live run (same task) once the edits settle, and `message` says what happened.
 */
import type { RunView } from '../../core/records/run';
import type { LiveEdit } from '../../core/train/types';
import { describeProblems } from '../../core/validation';
import { rlLearningRate } from '../../core/experiment/learning-rate';
import type { ExperimentDraft } from './experiment.svelte';
import type { RunsState } from './runs.svelte';

/** Edits closer together than this are sent once, after the last. */
const SETTLE_MS = 300;

export class LiveEdits {
  /** What happened to the last edit (sent, refused, not sent and why); null before any. */
  message: string | null = $state(null);
  #lastSent: Record<string, string> = {};
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly runs: RunsState,
    private readonly draft: ExperimentDraft,
    /** The run that receives edits now (the selected live one), or null. */
    private readonly target: () => RunView | null,
  ) {}

  /** Call after the user changed the form (not after a programmatic load). */
  schedule(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.send(), SETTLE_MS);
  }

  async send(): Promise<void> {
    const target = this.target();
    if (!target) return;
    const valid = this.draft.valid;
    if (!valid) {
      this.message = 'Not sent to the run: fix the problems marked beside the fields first.';
      return;
    }
    if (valid.task !== target.spec.config.task) {
      this.message = `Not sent: the selected run trains on another task (${target.spec.config.task}).`;
      return;
    }
    // The whole rubric: weights, switches, judges, parameters, and added or removed criteria.
    // The rate the run steps with: scaled to the run's own model width when the setup says so.
    const edit: LiveEdit = { lr: rlLearningRate(valid.optim, target.spec.config.model.size) };
    if (valid.rubric) edit.rubric = valid.rubric;
    if (valid.method.method === target.spec.config.method.method) edit.method = valid.method;
    const key = JSON.stringify(edit);
    if (this.#lastSent[target.spec.id] === key) return;
    const problems = await this.runs.edit(target.spec.id, edit);
    if (problems.length > 0) {
      this.message = `The run refused the edit: ${describeProblems(problems)}`;
    } else {
      this.#lastSent[target.spec.id] = key;
      this.message = `Sent to ${target.spec.name} · seed ${target.spec.seed}; it applies at the next step.`;
    }
  }
}
