/**
 * One run's trainer: warm start, then GRPO steps under a rubric and an aggregator.
 * Each step: pick prompts -> sample all rollouts (one read back) -> decode and score -> simulated
 * judge -> aggregate into advantages -> clipped-surrogate update. Plain TypeScript over the core;
 * the worker and the CLI drive it through the `RunTrainer` interface.
 */
import type { ExperimentCore } from '../experiment/schema';
import { rubricOf } from '../experiment/resolve';
import { rlLearningRate } from '../experiment/learning-rate';
import { getTask } from '../task';
import type { Task } from '../task/types';
import { PROMPT_LENGTH, buildCorpus, decodeRollout, encodePrompt, vocabularyOf } from '../task/tokenizer';
import { compileRubric, applyJudge, type CompiledRubric, type Rubric } from '../rubric';
import type { DecodedRollout } from '../rubric/types';
import { computeAdvantages, type FocalState } from '../reward';
import { METHODS, defaultMethodConfig, type MethodConfig, type Method } from '../reward/config';
import { trainingWeightsOf } from '../reward/training-weights';
import { Rng, randomStreams, type RandomStreams } from '../random';
import type { Problem } from '../validation';
import { zooWeights } from '../zoo/source';
import { createPolicy, getWeights, setWeights, warmStart, type Rollouts, type WeightArray } from '../policy';
import type { AdamState } from '../policy/adam';
import { createEngine } from '../engine/create';
import type { PolicyEngine } from '../engine/types';
import { EditQueue, positionsAfter, resolveEdit, spreadOver, type Position } from './live-edit';
import type { EvalRecord, MetricRecord } from '../records/types';
import { summariseScores } from '../rubric/summary';
import { meanStd, zeroSignalShare } from './metrics';
import {
  NonFiniteError,
  type Checkpoint,
  type InspectedGroup,
  type LiveEdit,
  type RunTrainer,
  type TrainerFaults,
  type TrainerHooks,
  type WeightMatrix,
} from './types';

/** Groups kept for the rollout inspector. */
const INSPECTED_GROUPS = 4;

/** Warm-started weights, shared between runs of the same task, size, seed and warm-start settings. */
const warmStartCache = new Map<string, WeightArray[]>();

function warmStartKey(config: ExperimentCore, seed: number): string {
  return JSON.stringify([config.task, config.model.size, seed, config.warmStart]);
}

interface TrainerState {
  step: number;
  positions: Position[];
  /** Position in the shuffled training topics. */
  promptCursor: number;
  promptOrder: string[];
  focalState: FocalState | null;
  rubric: Rubric;
  method: MethodConfig;
  lr: number;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

class Trainer implements RunTrainer {
  private compiled: CompiledRubric;
  private readonly edits = new EditQueue();
  private lastGroups: InspectedGroup[] = [];

  constructor(
    private readonly config: ExperimentCore,
    private readonly seed: number,
    private readonly task: Task,
    private readonly policyEngine: PolicyEngine,
    private readonly streams: RandomStreams,
    private state: TrainerState,
    private readonly faults: TrainerFaults = {},
  ) {
    this.compiled = compileRubric(state.rubric, task.lexicon);
  }

  /**
   * Every criterion the run has had, in order of first appearance (the rubric's order at the start,
   * then criteria added live), enabled or not: per-criterion vectors in records keep these
   * positions for the whole run, so switching a criterion off or removing it leaves a gap (NaN) in
   * its series instead of shifting the others onto its label.
   */
  get criterionIds(): string[] {
    return this.state.positions.map((p) => p.id);
  }

  get criterionNames(): string[] {
    return this.state.positions.map((p) => p.name);
  }

  /** A vector over the enabled criteria, spread over every position (NaN where off or removed). */
  private spread(values: ArrayLike<number>): number[] {
    return spreadOver(this.state.positions, this.compiled.ids, values);
  }

  get stepIndex(): number {
    return this.state.step;
  }

  get totalSteps(): number {
    return this.config.steps;
  }

  applyEdit(edit: LiveEdit): Problem[] {
    return this.edits.offer(edit, this.state, this.task.lexicon);
  }

  /** Apply queued edits at the step boundary. */
  private applyPending(): void {
    for (const edit of this.edits.drain()) {
      const { next } = resolveEdit(edit, this.state, this.task.lexicon);
      if (!next) continue;
      const criteriaChanged = next.rubric !== this.state.rubric;
      const methodChanged = JSON.stringify(next.method) !== JSON.stringify(this.state.method);
      if (next.lr !== this.state.lr) this.policyEngine.setLearningRate(next.lr);
      const oldIds = this.compiled.ids.join('\n');
      this.state = next;
      if (criteriaChanged) this.compiled = compileRubric(next.rubric, this.task.lexicon);
      // Smoothed saturation belongs to a fixed set of criteria and a method: reset it when either changes.
      if (methodChanged || this.compiled.ids.join('\n') !== oldIds) this.state.focalState = null;
    }
  }

  private nextTopics(count: number): string[] {
    const topics: string[] = [];
    for (let i = 0; i < count; i++) {
      if (this.state.promptCursor >= this.state.promptOrder.length) {
        this.state.promptOrder = this.streams.prompts.shuffle(this.task.topics.train);
        this.state.promptCursor = 0;
      }
      topics.push(this.state.promptOrder[this.state.promptCursor++]);
    }
    return topics;
  }

  private async sample(topics: readonly string[], perTopic: number, rng: Rng): Promise<Rollouts> {
    const prompts = new Int32Array(topics.length * PROMPT_LENGTH);
    topics.forEach((topic, b) => prompts.set(encodePrompt(this.task, topic), b * PROMPT_LENGTH));
    return this.policyEngine.sample(
      prompts,
      topics.length,
      PROMPT_LENGTH,
      perTopic,
      this.task.maxNew,
      this.config.optim.temperature,
      rng,
    );
  }

  /** Rollout n belongs to prompt floor(n / G). */
  private decode(rollouts: Rollouts, topics: readonly string[], G: number): DecodedRollout[] {
    const out: DecodedRollout[] = [];
    for (let n = 0; n < rollouts.N; n++) {
      const row = rollouts.tokens.subarray(n * rollouts.T, (n + 1) * rollouts.T);
      const { words, text } = decodeRollout(this.task, row, PROMPT_LENGTH);
      out.push({ prompt: { topic: topics[Math.floor(n / G)] }, words, text });
    }
    return out;
  }

  async step(): Promise<MetricRecord> {
    this.applyPending();
    const stepNumber = this.state.step + 1;
    const { groupSize: G, promptsPerStep: B } = this.config.sampling;
    const compiled = this.compiled;
    const K = compiled.ids.length;

    const t0 = now();
    const topics = this.nextTopics(B);
    const rollouts = await this.sample(topics, G, this.streams.sampling);
    const t1 = now();
    const decoded = this.decode(rollouts, topics, G);
    const exact = compiled.scoreBatch(decoded);
    const judged = applyJudge(exact, compiled.judges, this.streams.judge);
    const N = decoded.length;
    const groups = Int32Array.from({ length: N }, (_, n) => Math.floor(n / G));
    const aggregate = computeAdvantages({
      scores: judged,
      numCriteria: K,
      groups,
      // The method may train with other weights than the rubric's; scores below keep the rubric's.
      weights: trainingWeightsOf(compiled.criteria, this.state.method.trainingWeights),
      judge: [...compiled.judges],
      config: this.state.method,
      state: this.state.focalState,
    });
    const advantages = aggregate.advantages;
    if (this.faults.nonFiniteAtStep === stepNumber) advantages.fill(Number.NaN);
    for (let n = 0; n < N; n++)
      if (!Number.isFinite(advantages[n]))
        throw new NonFiniteError(stepNumber, `the advantage of rollout ${n}`);
    this.lastGroups = this.inspectGroups(decoded, judged, groups, K, G, topics);
    const t2 = now();

    const stats = await this.policyEngine.update({ rollouts, advantages }, this.config.optim);
    const t3 = now();
    if (!Number.isFinite(stats.loss)) throw new NonFiniteError(stepNumber, 'the loss');

    this.state.focalState = aggregate.state;
    this.state.step = stepNumber;
    const summary = summariseScores(judged, N, K, compiled.weights);
    const adv = meanStd(advantages);
    let words = 0;
    for (const d of decoded) words += d.words.length;
    return {
      step: stepNumber,
      criterionMeans: this.spread(summary.criterionMeans),
      effectiveWeights: this.spread(aggregate.weights),
      saturation: this.spread(aggregate.saturation),
      rubricScore: summary.rubricScore,
      worstScore: summary.worstScore,
      allPassRate: summary.allPassRate,
      kl: stats.kl,
      entropy: stats.entropy,
      loss: stats.loss,
      clipFraction: stats.clipFraction,
      gradNorm: stats.gradNorm,
      advantageMean: adv.mean,
      advantageStd: adv.std,
      zeroStdShare: zeroSignalShare(advantages, G),
      meanLength: words / N,
      msSample: t1 - t0,
      msScore: t2 - t1,
      msUpdate: t3 - t2,
    };
  }

  /** The first groups of the batch, each rollout with its advantage under every aggregator. */
  private inspectGroups(
    decoded: DecodedRollout[],
    judged: Float64Array,
    groups: Int32Array,
    K: number,
    G: number,
    topics: readonly string[],
  ): InspectedGroup[] {
    const byMethod = {} as Record<Method, Float64Array>;
    for (const method of METHODS) {
      // Each method at its defaults; focal from this batch alone so the comparison is like for like.
      const config =
        method === 'focal' ? { ...defaultMethodConfig('focal'), beta: 0 } : defaultMethodConfig(method);
      byMethod[method] = computeAdvantages({
        scores: judged,
        numCriteria: K,
        groups,
        weights: [...this.compiled.weights],
        judge: [...this.compiled.judges],
        config,
        state: null,
      }).advantages;
    }
    const out: InspectedGroup[] = [];
    for (let g = 0; g < Math.min(INSPECTED_GROUPS, topics.length); g++) {
      const rollouts = [];
      for (let i = 0; i < G; i++) {
        const n = g * G + i;
        const advantages = {} as Record<Method, number>;
        for (const method of METHODS) advantages[method] = byMethod[method][n];
        rollouts.push({
          text: decoded[n].text,
          scores: this.spread(judged.subarray(n * K, (n + 1) * K)),
          advantages,
        });
      }
      out.push({ topic: topics[g], rollouts });
    }
    return out;
  }

  async evaluate(): Promise<EvalRecord> {
    const { samples } = this.config.eval;
    const topics = this.task.topics.heldOut;
    // Its own stream per evaluation step, so evaluating never shifts the training's sampling noise.
    const rng = new Rng(this.seed, `eval:${this.state.step}`);
    const rollouts = await this.sample(topics, samples, rng);
    const decoded = this.decode(rollouts, topics, samples);
    const exact = this.compiled.scoreBatch(decoded);
    const summary = summariseScores(exact, decoded.length, this.compiled.ids.length, this.compiled.weights);
    return {
      step: this.state.step,
      ...summary,
      criterionMeans: this.spread(summary.criterionMeans),
      criterionPassRates: this.spread(summary.criterionPassRates),
      samples: decoded.length,
    };
  }

  inspect(): InspectedGroup[] {
    return this.lastGroups;
  }

  async weights(): Promise<WeightMatrix[]> {
    return (await this.policyEngine.getWeights('policy')).map((w) => ({
      name: w.name,
      shape: [...w.shape],
      values: w.values.slice(),
    }));
  }

  async checkpoint(): Promise<Checkpoint> {
    this.applyPending();
    return {
      step: this.state.step,
      data: {
        policy: await this.policyEngine.getWeights('policy'),
        reference: await this.policyEngine.getWeights('reference'),
        optimizer: await this.policyEngine.getOptimizerState(),
        streams: Object.fromEntries(Object.entries(this.streams).map(([k, rng]) => [k, rng.getState()])),
        state: structuredClone(this.state),
      },
    };
  }

  async restore(checkpoint: Checkpoint): Promise<void> {
    const data = checkpoint.data as {
      policy: WeightArray[];
      reference: WeightArray[];
      optimizer: AdamState;
      streams: Record<string, [number, number, number, number]>;
      state: TrainerState;
    };
    this.policyEngine.setWeights('policy', data.policy);
    this.policyEngine.setWeights('reference', data.reference);
    this.policyEngine.setOptimizerState(data.optimizer);
    for (const [name, rng] of Object.entries(this.streams)) rng.setState(data.streams[name]);
    this.state = structuredClone(data.state);
    this.edits.clear();
    this.compiled = compileRubric(this.state.rubric, this.task.lexicon);
    this.policyEngine.setLearningRate(this.state.lr);
  }

  get engine() {
    return this.policyEngine.name;
  }

  get engineThreads(): number | undefined {
    return this.policyEngine.threads;
  }

  dispatches(): number {
    return this.policyEngine.dispatches();
  }

  dispose(): void {
    this.policyEngine.dispose();
  }
}

/**
 * Build a run: the base policy (the zoo's checkpoint, or from the seed with a supervised warm
 * start cached per task/size/seed), and a frozen copy of it as the KL reference.
 */
export async function createTrainer(
  config: ExperimentCore,
  seed: number,
  hooks: TrainerHooks = {},
): Promise<RunTrainer> {
  const task = getTask(config.task);
  const rubric = rubricOf(config);
  compileRubric(rubric, task.lexicon); // fail before the warm start, with the rubric's own messages
  const streams = randomStreams(seed);
  const policy = createPolicy(
    { size: config.model.size, vocabSize: vocabularyOf(task).length, maxLen: PROMPT_LENGTH + task.maxNew },
    streams.init,
  );
  const key = warmStartKey(config, seed);
  const cached =
    config.base === 'zoo' ? undefined : (warmStartCache.get(key) ?? (await hooks.warmStartStore?.get(key)));
  if (config.base === 'zoo') {
    // The shipped base policy of this task and size: the seed then varies RL only.
    setWeights(policy, await zooWeights(config.task, config.model.size));
  } else if (cached) {
    setWeights(policy, cached);
    warmStartCache.set(key, cached);
  } else if (config.warmStart.steps > 0) {
    const corpus = buildCorpus(task, streams.corpus, config.warmStart.corpusSize);
    await warmStart(policy, corpus, {
      steps: config.warmStart.steps,
      batchSize: config.warmStart.batchSize,
      lr: config.warmStart.lr,
      rng: streams.warmstart,
      onProgress: hooks.onWarmStart ? (progress) => hooks.onWarmStart?.(progress) : undefined,
    });
    const weights = await getWeights(policy);
    warmStartCache.set(key, weights);
    await hooks.warmStartStore?.set(key, weights);
  }
  hooks.onWarmStart?.(1);
  const lr = rlLearningRate(config.optim, config.model.size);
  const engine = await createEngine(policy, lr, hooks.engine ?? 'auto');
  const state: TrainerState = {
    step: 0,
    promptCursor: 0,
    promptOrder: streams.prompts.shuffle(task.topics.train),
    focalState: null,
    rubric,
    positions: positionsAfter([], rubric),
    method: config.method,
    lr,
  };
  return new Trainer(config, seed, task, engine, streams, state, hooks.faults);
}

/** Forget cached warm starts (tests, or to bound memory in long sweeps). */
export function clearWarmStartCache(): void {
  warmStartCache.clear();
}
