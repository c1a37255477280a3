/**
 * The training loop of one run, independent of Comlink and of the backend so that it can be tested
 * with a fake trainer. Steps are serialised with every other use of the trainer; records leave in
 * batches (every N steps or ~100 ms of work), never one message per step.
 */
import type { Checkpoint, LiveEdit, RunTrainer } from '../src/core/train/types';
import type { EvalRecord, MetricRecord } from '../src/core/records/types';
import type {
  EditProblem,
  LoopOptions,
  RunBatch,
  RunSink,
  RunSnapshot,
  Speed,
  WorkerRunStatus,
} from './protocol';
import { sleep, yieldToEvents } from './yield';
import { isEvaluationStep } from '../src/core/train/schedule';

function isNonFinite(error: unknown): error is Error {
  return error instanceof Error && error.name === 'NonFiniteError';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class RunLoop {
  private status: WorkerRunStatus = 'ready';
  private reason: string | null = null;
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  /** Serialises every use of the trainer (steps, evaluation, snapshots, checkpoints, restore). */
  private exclusive: Promise<unknown> = Promise.resolve();
  private metrics: MetricRecord[] = [];
  private evals: EvalRecord[] = [];
  private outgoingCheckpoint: Checkpoint | undefined;
  private truncateAfter: number | undefined;
  private statusChanged = false;
  private lastFlush = 0;
  private lastCheckpoint: Checkpoint | null = null;
  private sentCriteria: string | undefined;
  private criteriaChanged = false;

  constructor(
    private readonly trainer: RunTrainer,
    private readonly sink: RunSink,
    private readonly options: LoopOptions,
    /** Evaluate every this many steps (0: only at the end). */
    private readonly evalEvery: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get state(): { status: WorkerRunStatus; reason: string | null; step: number } {
    return { status: this.status, reason: this.reason, step: this.trainer.stepIndex };
  }

  /** Reports the ready trainer and keeps a first checkpoint, so a crash is resumable from the start. */
  async begin(): Promise<void> {
    await this.withTrainer(async () => {
      // The warm-started policy's evaluation is the baseline every curve is read against.
      if (this.trainer.stepIndex === 0) this.evals.push(await this.trainer.evaluate());
      await this.keepCheckpoint();
    });
    this.setStatus(this.trainer.stepIndex >= this.trainer.totalSteps ? 'done' : 'ready', null);
    this.noteCriteria();
    await this.flush({
      criterionIds: this.trainer.criterionIds,
      criterionNames: this.trainer.criterionNames,
      totalSteps: this.trainer.totalSteps,
    });
  }

  start(): void {
    if (this.running || !this.canStep()) return;
    this.running = true;
    this.setStatus('running', null);
    void this.flush();
    this.loopDone = this.loop();
  }

  async pause(): Promise<void> {
    this.running = false;
    await this.loopDone;
    if (this.status === 'running') this.setStatus('paused', null);
    await this.flush();
  }

  async singleStep(): Promise<void> {
    if (this.running || !this.canStep()) return;
    const more = await this.withTrainer(() => this.stepOnce());
    if (more && (this.status === 'ready' || this.status === 'paused')) this.setStatus('paused', null);
    await this.flush();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loopDone;
    if (this.status !== 'done' && this.status !== 'failed') this.setStatus('stopped', null);
    await this.flush();
  }

  setSpeed(speed: Speed): void {
    this.options.stepsPerBatch = Math.max(1, Math.floor(speed.stepsPerBatch));
    this.options.delayMs = Math.max(0, speed.delayMs);
  }

  edit(edit: LiveEdit): EditProblem[] {
    // The trainer queues the edit for its next step boundary, so no need to wait for a step to end.
    return this.trainer.applyEdit(edit);
  }

  snapshot(): Promise<RunSnapshot> {
    return this.withTrainer(async () => ({
      step: this.trainer.stepIndex,
      groups: this.trainer.inspect(),
      weights: await this.trainer.weights(),
    }));
  }

  checkpoint(): Promise<Checkpoint> {
    return this.withTrainer(async () => this.lastCheckpoint ?? (await this.keepCheckpoint()));
  }

  async restoreFrom(checkpoint: Checkpoint): Promise<void> {
    this.running = false;
    await this.loopDone;
    await this.withTrainer(() => this.trainer.restore(checkpoint));
    this.lastCheckpoint = checkpoint;
    this.metrics = this.metrics.filter((m) => m.step <= checkpoint.step);
    this.evals = this.evals.filter((e) => e.step <= checkpoint.step);
    this.truncateAfter = checkpoint.step;
    this.setStatus(this.trainer.stepIndex >= this.trainer.totalSteps ? 'done' : 'paused', null);
    await this.flush();
  }

  /** A failure from outside the loop (a lost GPU device): stop stepping and report it. */
  fail(reason: string): void {
    this.running = false;
    this.setStatus('failed', reason);
    void this.flush();
  }

  private canStep(): boolean {
    return this.status === 'ready' || this.status === 'paused' || this.status === 'running';
  }

  private setStatus(status: WorkerRunStatus, reason: string | null): void {
    if (status === this.status && reason === this.reason) return;
    this.status = status;
    this.reason = reason;
    this.statusChanged = true;
  }

  private withTrainer<T>(work: () => Promise<T>): Promise<T> {
    const result = this.exclusive.then(work);
    this.exclusive = result.catch(() => undefined);
    return result;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      for (let i = 0; i < this.options.stepsPerBatch && this.running; i++) {
        const more = await this.withTrainer(() => this.stepOnce());
        if (!more) this.running = false;
        else this.maybeFlush();
      }
      if (!this.running) break;
      if (this.options.delayMs > 0) await sleep(this.options.delayMs);
      else await yieldToEvents();
    }
    await this.flush();
  }

  /** One RL step plus the evaluation and checkpoint due after it; false when stepping must stop. */
  private async stepOnce(): Promise<boolean> {
    if (this.trainer.stepIndex >= this.trainer.totalSteps) {
      this.setStatus('done', null);
      return false;
    }
    try {
      this.metrics.push(await this.trainer.step());
      this.noteCriteria();
      const step = this.trainer.stepIndex;
      const last = step >= this.trainer.totalSteps;
      if (isEvaluationStep(step, this.evalEvery, this.trainer.totalSteps)) {
        this.evals.push(await this.trainer.evaluate());
      }
      if (last || step % this.options.checkpointEvery === 0) await this.keepCheckpoint();
      if (last) {
        this.setStatus('done', null);
        return false;
      }
      return true;
    } catch (error) {
      // Non-finite: nothing was applied, the last good checkpoint stands; the user decides.
      if (isNonFinite(error))
        this.setStatus('paused', `${error.message}; the run was paused and its last good checkpoint kept`);
      else this.setStatus('failed', `training step failed: ${describe(error)}`);
      return false;
    }
  }

  private async keepCheckpoint(): Promise<Checkpoint> {
    const checkpoint = await this.trainer.checkpoint();
    this.lastCheckpoint = checkpoint;
    this.outgoingCheckpoint = checkpoint;
    return checkpoint;
  }

  private maybeFlush(): void {
    const due =
      this.statusChanged ||
      this.outgoingCheckpoint !== undefined ||
      this.metrics.length >= this.options.flushEverySteps ||
      this.now() - this.lastFlush >= this.options.flushIntervalMs;
    if (due) void this.flush();
  }

  /** A live rubric edit may add criteria: their ids and names go out with the next batch. */
  private noteCriteria(): void {
    const key = JSON.stringify([this.trainer.criterionIds, this.trainer.criterionNames]);
    if (this.sentCriteria !== undefined && key !== this.sentCriteria) this.criteriaChanged = true;
    this.sentCriteria = key;
  }

  /** Sends everything pending; resolves when the main thread has taken it. */
  private flush(extra: Partial<RunBatch> = {}): Promise<void> {
    if (this.criteriaChanged) {
      extra = {
        criterionIds: this.trainer.criterionIds,
        criterionNames: this.trainer.criterionNames,
        ...extra,
      };
      this.criteriaChanged = false;
    }
    const update: RunBatch = {
      ...extra,
      metrics: this.metrics,
      evals: this.evals,
      step: this.trainer.stepIndex,
    };
    if (this.statusChanged) {
      update.status = this.status;
      update.reason = this.reason;
    }
    if (this.outgoingCheckpoint) update.checkpoint = this.outgoingCheckpoint;
    if (this.truncateAfter !== undefined) update.truncateAfter = this.truncateAfter;
    this.metrics = [];
    this.evals = [];
    this.outgoingCheckpoint = undefined;
    this.truncateAfter = undefined;
    this.statusChanged = false;
    this.lastFlush = this.now();
    return this.send(update);
  }

  private async send(update: RunBatch): Promise<void> {
    try {
      await this.sink.batch(update);
    } catch (error) {
      // A checkpoint that cannot be cloned must not take the records and status down with it.
      console.error('focal-lab worker: a batch could not be sent', error);
      if (!update.checkpoint) return;
      const { checkpoint: _dropped, ...rest } = update;
      await Promise.resolve(this.sink.batch(rest)).catch(() => undefined);
    }
  }
}
