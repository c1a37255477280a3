/** Fakes for the pool and loop tests: a scriptable worker handle and an in-memory trainer. */
import type { WorkerHandle, WorkerFactory } from '../../../src/client/worker-handle';
import type { InitOptions, RunBatch, RunSink } from '../../../workers/protocol';
import type { Checkpoint, LiveEdit, RunTrainer } from '../../../src/core/train/types';
import type { MetricRecord } from '../../../src/core/records/types';
import { NonFiniteError } from '../../../src/core/train/types';
import { experimentCoreSchema } from '../../../src/core/experiment/schema';
import type { RunSpec } from '../../../src/core/records/run';

export class FakeWorker implements WorkerHandle {
  sink: RunSink | null = null;
  spec: RunSpec | null = null;
  options: InitOptions | undefined;
  calls: string[] = [];
  terminated = false;
  private failureListeners: ((reason: string) => void)[] = [];

  constructor(readonly name: string) {}

  async init(spec: RunSpec, sink: RunSink, options?: InitOptions) {
    this.spec = spec;
    this.sink = sink;
    this.options = options;
    this.calls.push('init');
  }
  async start() {
    this.calls.push('start');
  }
  async pause() {
    this.calls.push('pause');
  }
  async singleStep() {
    this.calls.push('singleStep');
  }
  async stop() {
    this.calls.push('stop');
    this.send({ status: 'stopped' });
  }
  async setSpeed() {
    this.calls.push('setSpeed');
  }
  async edit(_edit: LiveEdit) {
    this.calls.push('edit');
    return [];
  }
  async snapshot() {
    this.calls.push('snapshot');
    return { step: 0, groups: [], weights: [] };
  }
  async checkpoint(): Promise<Checkpoint> {
    return { step: 0, data: null };
  }
  async restoreFrom(_checkpoint: Checkpoint) {
    this.calls.push('restoreFrom');
  }
  onFailure(listener: (reason: string) => void) {
    this.failureListeners.push(listener);
  }
  terminate() {
    this.terminated = true;
  }

  /** Simulates the worker sending a batch. */
  send(update: Partial<RunBatch>) {
    this.sink!.batch({ metrics: [], evals: [], ...update });
  }
  crash(reason: string) {
    for (const listener of this.failureListeners) listener(reason);
  }
}

export function fakeFactory(): { factory: WorkerFactory; workers: FakeWorker[] } {
  const workers: FakeWorker[] = [];
  return {
    workers,
    factory: (name) => {
      const worker = new FakeWorker(name);
      workers.push(worker);
      return worker;
    },
  };
}

export function spec(id: string): RunSpec {
  return {
    id,
    name: id,
    config: experimentCoreSchema.parse({ task: 'meadow', steps: 20 }),
    seed: 1,
    backend: 'cpu',
  };
}

export function metric(step: number, effectiveWeights = [0.5, 0.5]): MetricRecord {
  return {
    step,
    criterionMeans: [0.5, 0.5],
    effectiveWeights,
    saturation: [0, 0],
    rubricScore: 0.5,
    worstScore: 0.5,
    allPassRate: 0,
    kl: 0,
    entropy: 1,
    loss: 0,
    clipFraction: 0,
    gradNorm: 0,
    advantageMean: 0,
    advantageStd: 1,
    zeroStdShare: 0,
    meanLength: 5,
    msSample: 1,
    msScore: 1,
    msUpdate: 1,
  };
}

/** A trainer that counts steps; `nonFiniteAt` makes that step throw like the real one. */
export class FakeTrainer implements RunTrainer {
  readonly criterionIds = ['a', 'b'];
  readonly criterionNames = ['A', 'B'];
  readonly engine = 'tfjs' as const;
  stepIndex = 0;
  weightsNow = [0.5, 0.5];
  private pendingEdit: LiveEdit | null = null;
  evaluations: number[] = [];
  checkpoints: number[] = [];

  constructor(
    readonly totalSteps: number,
    private readonly nonFiniteAt?: number,
  ) {}

  dispatches(): number {
    return 0;
  }

  async step(): Promise<MetricRecord> {
    await Promise.resolve();
    if (this.nonFiniteAt === this.stepIndex + 1) throw new NonFiniteError(this.stepIndex + 1, 'the loss');
    if (this.pendingEdit?.criteria) {
      for (const c of this.pendingEdit.criteria) {
        const i = this.criterionIds.indexOf(c.id);
        if (c.weight !== undefined) this.weightsNow[i] = c.weight;
      }
      this.pendingEdit = null;
    }
    this.stepIndex++;
    return metric(this.stepIndex, [...this.weightsNow]);
  }
  async evaluate() {
    this.evaluations.push(this.stepIndex);
    return {
      step: this.stepIndex,
      criterionMeans: [0.5, 0.5],
      rubricScore: 0.5,
      worstScore: 0.5,
      allPassRate: 0,
      spread: 0,
      samples: 4,
    };
  }
  applyEdit(edit: LiveEdit) {
    if (edit.criteria?.some((c) => !this.criterionIds.includes(c.id))) {
      return [{ path: 'criteria', message: 'unknown criterion' }];
    }
    this.pendingEdit = edit;
    return [];
  }
  inspect() {
    return [];
  }
  async weights() {
    return [{ name: 'w', shape: [2], values: new Float32Array([1, 2]) }];
  }
  async checkpoint(): Promise<Checkpoint> {
    this.checkpoints.push(this.stepIndex);
    return { step: this.stepIndex, data: { weights: [...this.weightsNow] } };
  }
  async restore(checkpoint: Checkpoint) {
    this.stepIndex = checkpoint.step;
  }
  dispose() {}
}
