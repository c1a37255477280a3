/**
 * The main-thread client for training runs: one worker per run, at most `maxWorkers` at once (the
 * rest queue), idle workers terminated. Views change only on batched worker updates and are
 * replaced, never mutated, so a UI can hold them in `$state.raw` and compare by identity.
 *
 * Failure is per run: a crashed worker, an unreadable message or a lost GPU device marks that run
 * 'failed' with the reason and keeps its metrics and last checkpoint (sent by the worker every
 * few steps), from which `resume` starts a fresh worker.
 */
import type { BackendChoice } from '../core/experiment/schema';
import type { Checkpoint, LiveEdit } from '../core/train/types';
import type { RunSpec, RunStatus, RunView } from '../core/records/run';
import type { EditProblem, LoopOptions, RunBatch, RunSnapshot, Speed } from '../../workers/protocol';
import { createTrainerWorker, type WorkerFactory, type WorkerHandle } from './worker-handle';

/** Typed commands the UI uses; implemented by the pool. */
export interface RunCommands {
  start(id: string): void;
  pause(id: string): void;
  singleStep(id: string): void;
  stop(id: string): void;
  setSpeed(id: string, speed: Speed): void;
  edit(id: string, edit: LiveEdit): void;
  snapshot(id: string): Promise<RunSnapshot | null>;
  /** Resume a failed or paused run from its last checkpoint, optionally on another backend. */
  resume(id: string, backend?: BackendChoice): void;
  remove(id: string): void;
}

export interface PoolOptions {
  /** Cap on concurrently live workers; runs beyond it wait with status 'queued'. */
  maxWorkers?: number;
  factory?: WorkerFactory;
  /** Batching and checkpoint cadence passed to every worker. */
  loop?: Partial<LoopOptions>;
}

export interface AddOptions {
  /** Start stepping as soon as the run is warm-started (default true). */
  autoStart?: boolean;
}

export type PoolListener = (views: RunView[], changed: ReadonlySet<string>) => void;

interface RunEntry {
  view: RunView;
  handle: WorkerHandle | null;
  /** Incremented per worker, so that late messages from a retired worker are ignored. */
  generation: number;
  checkpoint: Checkpoint | null;
  speed: Speed | null;
  autoStart: boolean;
  /** Checkpoint the next worker restores after its warm start. */
  restoreFrom: Checkpoint | null;
  /** Accepted live edits, replayed on a fresh worker after a resume. */
  edits: LiveEdit[];
  snapshotRequest: number;
  lastSnapshot: RunSnapshot | null;
  /** Set while a finished run's final snapshot is taken before its worker is terminated. */
  finalSnapshot?: Promise<void>;
}

const IDLE: readonly RunStatus[] = ['done', 'stopped', 'failed'];

export function defaultMaxWorkers(): number {
  const cores = typeof navigator === 'undefined' ? 2 : (navigator.hardwareConcurrency ?? 2);
  return Math.min(4, Math.max(2, cores - 1));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class RunPool implements RunCommands {
  private readonly runs = new Map<string, RunEntry>();
  private readonly queue: string[] = [];
  private readonly live = new Set<WorkerHandle>();
  private readonly listeners = new Set<PoolListener>();
  private readonly changed = new Set<string>();
  private notifyScheduled = false;
  private cap: number;
  private readonly factory: WorkerFactory;
  private readonly loopOptions: Partial<LoopOptions>;

  constructor(options: PoolOptions = {}) {
    this.cap = Math.max(1, options.maxWorkers ?? defaultMaxWorkers());
    this.factory = options.factory ?? createTrainerWorker;
    this.loopOptions = options.loop ?? {};
  }

  // --- reading ---------------------------------------------------------------------------------

  get maxWorkers(): number {
    return this.cap;
  }

  /** Number of workers alive now (never above `maxWorkers`). */
  get liveWorkers(): number {
    return this.live.size;
  }

  views(): RunView[] {
    return [...this.runs.values()].map((e) => e.view);
  }

  view(id: string): RunView | null {
    return this.runs.get(id)?.view ?? null;
  }

  /** The last good checkpoint held on the main thread (survives a worker crash). */
  checkpointOf(id: string): Checkpoint | null {
    return this.runs.get(id)?.checkpoint ?? null;
  }

  /** Calls `listener` now and after every batch of changes; returns the unsubscribe function. */
  subscribe(listener: PoolListener): () => void {
    this.listeners.add(listener);
    listener(this.views(), new Set(this.runs.keys()));
    return () => this.listeners.delete(listener);
  }

  // --- lifecycle ---------------------------------------------------------------------------------

  add(spec: RunSpec, options: AddOptions = {}): void {
    if (this.runs.has(spec.id)) throw new Error(`a run with id "${spec.id}" already exists`);
    this.runs.set(spec.id, {
      view: {
        spec,
        status: 'queued',
        reason: null,
        backend: null,
        criterionIds: [],
        criterionNames: [],
        metrics: [],
        evals: [],
        checkpointStep: null,
      },
      handle: null,
      generation: 0,
      checkpoint: null,
      speed: null,
      autoStart: options.autoStart ?? true,
      restoreFrom: null,
      edits: [],
      snapshotRequest: 0,
      lastSnapshot: null,
    });
    this.queue.push(spec.id);
    this.touch(spec.id);
    this.pump();
  }

  /**
   * Registers a run that has no worker (one restored from storage) with its records and last
   * checkpoint, so that `resume` can continue it. Live statuses become 'stopped'; nothing starts.
   */
  adopt(view: RunView, checkpoint: Checkpoint | null): void {
    const id = view.spec.id;
    if (this.runs.has(id)) throw new Error(`a run with id "${id}" already exists`);
    const idle: readonly RunStatus[] = [...IDLE, 'paused'];
    this.runs.set(id, {
      view: {
        ...view,
        status: idle.includes(view.status) ? view.status : 'stopped',
        checkpointStep: checkpoint?.step ?? null,
      },
      handle: null,
      generation: 0,
      checkpoint,
      speed: null,
      autoStart: false,
      restoreFrom: null,
      edits: [],
      snapshotRequest: 0,
      lastSnapshot: null,
    });
    this.touch(id);
  }

  setMaxWorkers(n: number): void {
    this.cap = Math.max(1, Math.floor(n));
    this.pump();
  }

  remove(id: string): void {
    const entry = this.runs.get(id);
    if (!entry) return;
    this.dropFromQueue(id);
    this.retire(entry);
    this.runs.delete(id);
    this.touch(id);
  }

  dispose(): void {
    for (const id of [...this.runs.keys()]) this.remove(id);
    this.listeners.clear();
  }

  // --- commands ----------------------------------------------------------------------------------

  start(id: string): void {
    const entry = this.runs.get(id);
    if (!entry) return;
    if (entry.view.status === 'queued' || entry.view.status === 'starting') entry.autoStart = true;
    if (entry.handle && !IDLE.includes(entry.view.status)) this.command(entry, (h) => h.start());
  }

  pause(id: string): void {
    const entry = this.runs.get(id);
    if (!entry) return;
    entry.autoStart = false;
    if (entry.handle) this.command(entry, (h) => h.pause());
  }

  singleStep(id: string): void {
    const entry = this.runs.get(id);
    if (entry?.handle) this.command(entry, (h) => h.singleStep());
  }

  stop(id: string): void {
    const entry = this.runs.get(id);
    if (!entry) return;
    if (this.dropFromQueue(id)) {
      this.update(entry, { status: 'stopped', reason: null });
      return;
    }
    const handle = entry.handle;
    if (!handle) return;
    const generation = entry.generation;
    handle.stop().then(
      () => {
        if (entry.generation !== generation) return;
        this.update(entry, { status: 'stopped', reason: null });
        this.retire(entry);
      },
      (error: unknown) => this.fail(entry, generation, `stop failed: ${describe(error)}`),
    );
  }

  setSpeed(id: string, speed: Speed): void {
    const entry = this.runs.get(id);
    if (!entry) return;
    entry.speed = { ...speed };
    if (entry.handle) this.command(entry, (h) => h.setSpeed(speed));
  }

  /** Applies at the worker's next step; resolves with the problems (nothing applied when any). */
  async edit(id: string, edit: LiveEdit): Promise<EditProblem[]> {
    const entry = this.runs.get(id);
    if (!entry) return [{ path: '', message: `no run with id "${id}"` }];
    if (!entry.handle) return [{ path: '', message: 'the run has no live worker (resume it first)' }];
    const generation = entry.generation;
    try {
      const problems = await entry.handle.edit(edit);
      if (problems.length === 0) entry.edits.push(edit);
      return problems;
    } catch (error) {
      if (entry.generation === generation) this.fail(entry, generation, `edit failed: ${describe(error)}`);
      return [{ path: '', message: describe(error) }];
    }
  }

  /** The latest groups and weights; null when superseded by a newer request for the same run. */
  async snapshot(id: string): Promise<RunSnapshot | null> {
    const entry = this.runs.get(id);
    if (!entry) return null;
    const request = ++entry.snapshotRequest;
    // A finished run's worker is about to be terminated (a call on it would never answer): wait
    // for the final snapshot taken on its way out.
    if (entry.finalSnapshot) await entry.finalSnapshot;
    if (!entry.handle) return request === entry.snapshotRequest ? entry.lastSnapshot : null;
    try {
      const snapshot = await entry.handle.snapshot();
      if (request !== entry.snapshotRequest) return null;
      entry.lastSnapshot = snapshot;
      return snapshot;
    } catch {
      return request === entry.snapshotRequest ? entry.lastSnapshot : null;
    }
  }

  resume(id: string, backend?: BackendChoice): void {
    const entry = this.runs.get(id);
    if (!entry) return;
    const { status, spec } = entry.view;
    if (status === 'queued' || status === 'starting' || status === 'running' || status === 'done') return;
    const checkpoint = entry.checkpoint;
    const sameBackend = backend === undefined || backend === spec.backend;
    if (entry.handle && sameBackend) {
      // The worker is healthy (paused or ready): restore in place and go on.
      this.command(entry, async (h) => {
        if (checkpoint) await h.restoreFrom(checkpoint);
        await h.start();
      });
      return;
    }
    this.retire(entry);
    const keepUpTo = checkpoint?.step ?? 0;
    entry.restoreFrom = checkpoint;
    entry.autoStart = true;
    this.update(entry, {
      spec: sameBackend ? spec : { ...spec, backend: backend! },
      status: 'queued',
      reason: checkpoint ? `resuming from step ${checkpoint.step}` : 'restarting (no checkpoint yet)',
      backend: null,
      metrics: entry.view.metrics.filter((m) => m.step <= keepUpTo),
      evals: entry.view.evals.filter((e) => e.step <= keepUpTo),
    });
    this.queue.push(id);
    this.pump();
  }

  // --- internals ---------------------------------------------------------------------------------

  private pump(): void {
    while (this.live.size < this.cap && this.queue.length > 0) {
      const entry = this.runs.get(this.queue.shift()!);
      if (entry) this.launch(entry);
    }
    const waiting = this.queue.length;
    for (const id of this.queue) {
      const entry = this.runs.get(id)!;
      const reason = `waiting for a free worker (${this.live.size} of ${this.cap} busy, ${waiting} queued)`;
      if (entry.view.reason !== reason) this.update(entry, { reason });
    }
  }

  private launch(entry: RunEntry): void {
    const generation = ++entry.generation;
    const handle = this.factory(`run ${entry.view.spec.name}`);
    entry.handle = handle;
    this.live.add(handle);
    this.update(entry, { status: 'starting', reason: 'starting a worker' });
    handle.onFailure((reason) => this.fail(entry, generation, reason));
    const sink = { batch: (update: RunBatch) => this.receive(entry, generation, update) };
    const options = {
      ...this.loopOptions,
      ...(entry.speed ?? {}),
      autoStart: entry.autoStart,
      ...(entry.restoreFrom ? { checkpoint: entry.restoreFrom } : {}),
    };
    handle.init(entry.view.spec, sink, options).catch((error: unknown) => {
      this.fail(entry, generation, `could not start: ${describe(error)}`);
    });
    for (const edit of entry.edits) this.command(entry, (h) => h.edit(edit));
  }

  private receive(entry: RunEntry, generation: number, update: RunBatch): void {
    if (entry.generation !== generation || !this.runs.has(entry.view.spec.id)) return;
    const view = entry.view;
    const next: Partial<RunView> = {};
    let metrics = view.metrics;
    let evals = view.evals;
    if (update.truncateAfter !== undefined) {
      const s = update.truncateAfter;
      metrics = metrics.filter((m) => m.step <= s);
      evals = evals.filter((e) => e.step <= s);
    }
    if (update.metrics.length > 0 || metrics !== view.metrics) next.metrics = metrics.concat(update.metrics);
    if (update.evals.length > 0 || evals !== view.evals) next.evals = evals.concat(update.evals);
    if (update.checkpoint) {
      entry.checkpoint = update.checkpoint;
      entry.restoreFrom = null;
      next.checkpointStep = update.checkpoint.step;
    }
    if (update.status) next.status = update.status;
    if (update.reason !== undefined) next.reason = update.reason;
    if (update.backend) next.backend = update.backend;
    if (update.criterionIds) next.criterionIds = update.criterionIds;
    if (update.criterionNames) next.criterionNames = update.criterionNames;
    if (Object.keys(next).length > 0) this.update(entry, next);
    if (update.status === 'done') {
      const final = this.retireAfterSnapshot(entry);
      entry.finalSnapshot = final;
      void final.finally(() => {
        if (entry.finalSnapshot === final) entry.finalSnapshot = undefined;
      });
    } else if (update.status === 'failed' || update.status === 'stopped') this.retire(entry);
  }

  private fail(entry: RunEntry, generation: number, reason: string): void {
    // A retired worker's generation is stale, so only the live worker can fail its run.
    if (entry.generation !== generation || !this.runs.has(entry.view.spec.id)) return;
    this.update(entry, { status: 'failed', reason });
    this.retire(entry);
  }

  private command(entry: RunEntry, work: (handle: WorkerHandle) => Promise<unknown>): void {
    const handle = entry.handle;
    if (!handle) return;
    const generation = entry.generation;
    work(handle).catch((error: unknown) => this.fail(entry, generation, describe(error)));
  }

  /** Keeps the final inspector snapshot of a finished run, then frees its worker. */
  private async retireAfterSnapshot(entry: RunEntry): Promise<void> {
    const handle = entry.handle;
    if (!handle) return;
    const generation = entry.generation;
    try {
      const snapshot = await handle.snapshot();
      if (entry.generation === generation) entry.lastSnapshot = snapshot;
    } catch {
      // Keep what we had; the run's records are already on this side.
    }
    if (entry.generation === generation) this.retire(entry);
  }

  private retire(entry: RunEntry): void {
    const handle = entry.handle;
    if (!handle) return;
    entry.handle = null;
    entry.generation++;
    this.live.delete(handle);
    handle.terminate();
    this.pump();
  }

  private dropFromQueue(id: string): boolean {
    const index = this.queue.indexOf(id);
    if (index < 0) return false;
    this.queue.splice(index, 1);
    return true;
  }

  private update(entry: RunEntry, changes: Partial<RunView>): void {
    entry.view = { ...entry.view, ...changes };
    this.touch(entry.view.spec.id);
  }

  private touch(id: string): void {
    this.changed.add(id);
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    queueMicrotask(() => {
      this.notifyScheduled = false;
      const changed = new Set(this.changed);
      this.changed.clear();
      const views = this.views();
      for (const listener of this.listeners) listener(views, changed);
    });
  }
}

let shared: RunPool | null = null;

/** The app's one pool (the UI and the test hook share it). */
export function getRunPool(): RunPool {
  shared ??= new RunPool();
  return shared;
}
