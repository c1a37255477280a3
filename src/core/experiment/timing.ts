/**
 * The configuration a timing uses (the backend probe, the step benchmark): timing needs the
 * model's shapes, not its weights, so a fresh policy with no checkpoint and no warm start. It also
 * runs where no model zoo is reachable (the browser benchmark's worker).
 */
import type { ExperimentCore } from './schema';

export function timingConfig(config: ExperimentCore): ExperimentCore {
  return { ...config, base: 'scratch', warmStart: { ...config.warmStart, steps: 0 } };
}
