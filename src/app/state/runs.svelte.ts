/**
 * The runs the page shows: live ones from the worker pool, and finished ones restored from
 * IndexedDB or imported from a file. Views are kept as raw (unproxied) data: they are replaced in
 * batches by the pool and can hold thousands of records.
 */
import { SvelteSet } from 'svelte/reactivity';
import type { RunSnapshot, Speed } from '../../../workers/protocol';
import type { RunSpec, RunStatus, RunView } from '../../core/records/run';
import type { BackendChoice } from '../../core/experiment/schema';
import type { LiveEdit } from '../../core/train/types';
import type { PlannedRun } from '../model/launch';
import { fromSavedRun, type SavedRun } from '../../web/saved-run';
import { deleteRun, loadCheckpoint, RunSaver } from '../../web/run-store';
import { loadStoredRuns } from './import-file';
import {
  cachedChoice,
  forgetChoices,
  measureBackends,
  type BackendChoiceResult,
} from '../../client/backend-choice';
import type { ExperimentCore } from '../../core/experiment/schema';
import type { RunPoolPort } from './pool-port';

export const LIVE_STATUSES: readonly RunStatus[] = ['queued', 'starting', 'ready', 'running', 'paused'];
/** Statuses from which a restored run with a checkpoint can be resumed. */
export const RESUMABLE_STATUSES: readonly RunStatus[] = ['stopped', 'paused', 'failed'];
export const STEPPING_STATUSES: readonly RunStatus[] = ['ready', 'running', 'paused'];

export const SPEEDS: readonly { label: string; speed: Speed }[] = [
  { label: 'Slow (one step, then 0.5 s)', speed: { stepsPerBatch: 1, delayMs: 500 } },
  { label: 'Normal', speed: { stepsPerBatch: 1, delayMs: 0 } },
  { label: 'Fast (4 steps per batch)', speed: { stepsPerBatch: 4, delayMs: 0 } },
  { label: 'Fastest (16 steps per batch)', speed: { stepsPerBatch: 16, delayMs: 0 } },
];

let counter = 0;
function newRunId(): string {
  counter++;
  return `run-${Date.now().toString(36)}-${counter}`;
}

export class RunsState {
  /** Runs the pool knows (live or ended in this session). */
  live: RunView[] = $state.raw([]);
  /** Runs restored from this browser's storage or imported; not in any worker. */
  restored: RunView[] = $state.raw([]);
  selectedId: string | null = $state(null);
  /** Runs left out of the comparison table and overlays. */
  excluded = new SvelteSet<string>();
  speedIndex = $state(1);
  /** Messages about storage (a failed save, skipped records). */
  notice: string | null = $state(null);
  /** How `auto` was last resolved (measured or cached), for the badge; null before any auto run. */
  backendChoice: BackendChoiceResult | null = $state.raw(null);
  /** True while the backend probe measures (Run waits for it on the first `auto` run). */
  measuring = $state(false);
  /** Runs removed a moment ago: hidden, and deleted for good when their undo time is up. */
  removing = new SvelteSet<string>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- timers, not shown
  #removeTimers = new Map<string, ReturnType<typeof setTimeout>>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- promises, not shown
  #probes = new Map<ExperimentCore['model']['size'], Promise<BackendChoiceResult>>();

  all: RunView[] = $derived.by(() => {
    const liveIds = this.live.map((r) => r.spec.id);
    return [...this.restored.filter((r) => !liveIds.includes(r.spec.id)), ...this.live].filter(
      (r) => !this.removing.has(r.spec.id),
    );
  });
  selected: RunView | null = $derived(
    this.all.find((r) => r.spec.id === this.selectedId) ?? this.all.at(-1) ?? null,
  );
  compared: RunView[] = $derived(this.all.filter((r) => !this.excluded.has(r.spec.id)));
  anyLive = $derived(this.live.some((r) => LIVE_STATUSES.includes(r.status)));

  #saver = new RunSaver((message) => (this.notice = message));
  /** What was last scheduled for saving, per run (status, record counts, reason). */
  #lastSaved: Record<string, string> = {};

  constructor(private readonly pool: RunPoolPort) {
    pool.subscribe((views) => {
      this.live = [...views];
      for (const view of views) {
        // Save when something a reload should keep has changed.
        const key = `${view.status}|${view.metrics.length}|${view.evals.length}|${view.reason}|${view.checkpointStep}`;
        if (this.#lastSaved[view.spec.id] !== key) {
          this.#lastSaved[view.spec.id] = key;
          this.#saver.schedule(view, pool.checkpointOf(view.spec.id));
        }
      }
    });
  }

  async restore(): Promise<void> {
    try {
      const { runs, skipped, checkpointSteps } = await loadStoredRuns();
      this.addRestored(runs, checkpointSteps);
      if (skipped > 0) this.notice = `${skipped} saved run(s) in this browser were damaged and were skipped.`;
    } catch (e) {
      this.notice = `Saved runs could not be read from this browser: ${(e as Error).message}`;
    }
  }

  /** `checkpointSteps`: steps of the checkpoints saved in this browser, by run id (none for imports). */
  addRestored(runs: readonly SavedRun[], checkpointSteps?: ReadonlyMap<string, number>): void {
    const known = this.all.map((r) => r.spec.id);
    const fresh = runs.filter(
      (r, i) => !known.includes(r.spec.id) && runs.findIndex((o) => o.spec.id === r.spec.id) === i,
    );
    for (const r of fresh) this.#saver.remember(r, checkpointSteps?.get(r.spec.id) ?? null);
    this.restored = [
      ...this.restored,
      ...fresh.map((r) => ({ ...fromSavedRun(r), checkpointStep: checkpointSteps?.get(r.spec.id) ?? null })),
    ];
  }

  /** A restored run that can continue from its saved checkpoint (not finished, not live). */
  canResumeRestored(view: RunView): boolean {
    return (
      !this.isLive(view.spec.id) &&
      view.checkpointStep !== null &&
      view.checkpointStep < view.spec.config.steps &&
      RESUMABLE_STATUSES.includes(view.status)
    );
  }

  /**
   * Loads a restored run's checkpoint from this browser and hands the run back to the pool, which
   * continues it from the checkpoint step (records after it are dropped, as on any resume).
   */
  async resumeRestored(view: RunView): Promise<void> {
    const id = view.spec.id;
    if (!this.canResumeRestored(view)) return;
    let checkpoint;
    try {
      checkpoint = await loadCheckpoint(id);
    } catch (e) {
      this.notice = `The checkpoint of “${view.spec.name}” could not be read: ${(e as Error).message}`;
      return;
    }
    if (!checkpoint) {
      this.notice = `“${view.spec.name}” has no saved checkpoint any more; rerun it instead.`;
      this.restored = this.restored.map((r) => (r.spec.id === id ? { ...r, checkpointStep: null } : r));
      return;
    }
    // The run may have been removed or resumed while the checkpoint was read.
    const current = this.restored.find((r) => r.spec.id === id);
    if (!current || this.isLive(id)) return;
    this.pool.adopt(current, checkpoint);
    this.pool.setSpeed(id, SPEEDS[this.speedIndex].speed);
    this.pool.resume(id);
    this.restored = this.restored.filter((r) => r.spec.id !== id);
    this.selectedId = id;
  }

  /** Keep an imported run in this browser as well. */
  persist(view: RunView): void {
    this.#saver.schedule(view);
  }

  isLive(id: string): boolean {
    return this.live.some((r) => r.spec.id === id);
  }

  /**
   * `auto` is resolved by measurement: the ranking cached for this model size, else a probe of the
   * first run's model on every backend (a few seconds, once per browser and app version).
   */
  async resolveAuto(config: ExperimentCore, remeasure = false): Promise<BackendChoiceResult> {
    const cached = remeasure ? null : cachedChoice(config.model.size);
    if (cached) return (this.backendChoice = cached);
    // One probe per size at a time: Run waits for the one the page started ahead (prepare.svelte.ts).
    const inFlight = remeasure ? undefined : this.#probes.get(config.model.size);
    if (inFlight) return inFlight;
    if (remeasure) forgetChoices();
    this.measuring = true;
    const probe = measureBackends(config)
      .then((choice) => (this.backendChoice = choice))
      .finally(() => {
        this.#probes.delete(config.model.size);
        this.measuring = this.#probes.size > 0;
      });
    this.#probes.set(config.model.size, probe);
    return probe;
  }

  async launch(plan: readonly PlannedRun[], backend: BackendChoice): Promise<string[]> {
    const order =
      backend === 'auto' && plan.length > 0
        ? (await this.resolveAuto($state.snapshot(plan[0].config) as ExperimentCore)).order
        : undefined;
    const ids: string[] = [];
    for (const planned of plan) {
      const spec: RunSpec = {
        id: newRunId(),
        name: planned.name,
        config: $state.snapshot(planned.config),
        seed: planned.seed,
        backend,
        ...(order ? { backendOrder: [...order] } : {}),
      };
      this.pool.add(spec, { autoStart: true });
      this.pool.setSpeed(spec.id, SPEEDS[this.speedIndex].speed);
      ids.push(spec.id);
    }
    if (ids.length > 0) this.selectedId = ids[0];
    return ids;
  }

  rerun(view: RunView): void {
    void this.launch(
      [{ name: view.spec.name, config: view.spec.config, seed: view.spec.seed }],
      view.spec.backend,
    );
  }

  setSpeed(index: number): void {
    this.speedIndex = index;
    for (const r of this.live)
      if (LIVE_STATUSES.includes(r.status)) this.pool.setSpeed(r.spec.id, SPEEDS[index].speed);
  }

  #each(ids: readonly string[], statuses: readonly RunStatus[], act: (id: string) => void): void {
    for (const r of this.live) if (ids.includes(r.spec.id) && statuses.includes(r.status)) act(r.spec.id);
  }

  #liveIds(): string[] {
    return this.live.map((r) => r.spec.id);
  }

  start(ids = this.#liveIds()): void {
    this.#each(ids, ['ready', 'paused'], (id) => this.pool.start(id));
  }
  pause(ids = this.#liveIds()): void {
    this.#each(ids, ['running'], (id) => this.pool.pause(id));
  }
  singleStep(ids = this.#liveIds()): void {
    this.#each(ids, ['ready', 'paused', 'running'], (id) => this.pool.singleStep(id));
  }
  stop(ids = this.#liveIds()): void {
    this.#each(ids, LIVE_STATUSES, (id) => this.pool.stop(id));
  }
  resume(id: string, backend?: BackendChoice): void {
    this.pool.resume(id, backend);
  }

  /** Send an edit to a live run; resolves with the trainer's problems (nothing applied when any). */
  async edit(id: string, edit: LiveEdit): Promise<{ path: string; message: string }[]> {
    if (!this.live.some((r) => r.spec.id === id && LIVE_STATUSES.includes(r.status))) return [];
    return this.pool.edit(id, edit);
  }

  snapshot(id: string): Promise<RunSnapshot | null> {
    return this.isLive(id) ? this.pool.snapshot(id) : Promise.resolve(null);
  }

  /**
   * Hides the run at once and deletes it (worker, records, stored copy) after `undoMs`, unless
   * `undoRemove` brings it back first. A live run keeps training meanwhile.
   */
  remove(id: string, undoMs: number): void {
    if (this.removing.has(id)) return;
    this.removing.add(id);
    this.#removeTimers.set(
      id,
      setTimeout(() => this.#removeNow(id), undoMs),
    );
  }

  undoRemove(id: string): void {
    const timer = this.#removeTimers.get(id);
    if (timer !== undefined) clearTimeout(timer);
    this.#removeTimers.delete(id);
    this.removing.delete(id);
  }

  #removeNow(id: string): void {
    this.#removeTimers.delete(id);
    this.removing.delete(id);
    if (this.isLive(id)) this.pool.remove(id);
    this.restored = this.restored.filter((r) => r.spec.id !== id);
    this.live = this.live.filter((r) => r.spec.id !== id);
    this.#saver.forget(id);
    void deleteRun(id).catch(() => undefined);
    if (this.selectedId === id) this.selectedId = null;
  }

  toggleCompared(id: string): void {
    if (this.excluded.has(id)) this.excluded.delete(id);
    else this.excluded.add(id);
  }

  /** Saves what is pending; removals waiting for their undo time are carried out first. */
  flush(): Promise<void> {
    for (const id of [...this.#removeTimers.keys()]) {
      clearTimeout(this.#removeTimers.get(id));
      this.#removeNow(id);
    }
    return this.#saver.flush();
  }
}
