/**
 * From a validated experiment to the runs to launch: every variant (or the base) for every seed.
 * The "compare aggregators" checkboxes of the form are plain method variants of the experiment,
 * so that a share link carries the comparison too.
 */
import { resolveVariants } from '../../core/experiment/resolve';
import type { Experiment, ExperimentCore, Variant } from '../../core/experiment/schema';
import { METHODS, type Method } from '../../core/reward/config';

export interface PlannedRun {
  /** The arm: the variant's name (or the experiment's), shared by its seeds. */
  name: string;
  config: ExperimentCore;
  seed: number;
}

export function planRuns(experiment: Experiment): PlannedRun[] {
  return resolveVariants(experiment).flatMap((variant) =>
    experiment.seeds.map((seed) => ({ name: variant.name, config: variant.config, seed })),
  );
}

type VariantInput = Variant;

/** A variant that only switches the aggregator (what the compare checkboxes make). */
export function methodOfVariant(variant: VariantInput): Method | null {
  const overrides = variant.overrides;
  const keys = Object.keys(overrides);
  if (keys.length !== 1 || keys[0] !== 'method') return null;
  const method = overrides.method as Record<string, unknown> | undefined;
  if (!method || Object.keys(method).length !== 1) return null;
  const name = method.method;
  return (METHODS as readonly unknown[]).includes(name) && variant.name === name ? (name as Method) : null;
}

export function methodVariant(method: Method): VariantInput {
  return { name: method, overrides: { method: { method } } };
}

/**
 * Toggle an aggregator in the comparison. The first checked method also brings the base method
 * in, so that "compare with static" on a focal experiment launches focal and static.
 */
export function toggleCompared(
  variants: readonly VariantInput[],
  base: Method,
  method: Method,
): VariantInput[] {
  const has = variants.some((v) => methodOfVariant(v) === method);
  if (has) {
    const rest = variants.filter((v) => methodOfVariant(v) !== method);
    // Only the base left and nothing else: back to a single run.
    return rest.length === 1 && methodOfVariant(rest[0]) === base ? [] : rest;
  }
  const next = [...variants];
  if (next.length === 0 && method !== base) next.push(methodVariant(base));
  next.push(methodVariant(method));
  const order = (v: VariantInput): number => {
    const m = methodOfVariant(v);
    return m === null ? METHODS.length : METHODS.indexOf(m);
  };
  return next.sort((a, b) => order(a) - order(b));
}
