/**
 * Preloaded into the CLI by a test (`lab(args, { preload: INJECT_FAULTS })`): makes the variants
 * named in the environment variable `FOCAL_LAB_TEST_FAULTS` fail on purpose,
 * `{ "<variant name>": { "nonFiniteAtStep": 2 } }`. The parallel worker processes inherit the
 * preload, so a fault reaches a run wherever it trains. A malformed variable is an error, not
 * ignored (a test that meant to inject a fault must not pass without one).
 */
import { z } from 'zod';
import { setRunHooks } from '../../../src/cli/run-hooks';

const VARIABLE = 'FOCAL_LAB_TEST_FAULTS';

const faultsSchema = z.record(
  z.string(),
  z.strictObject({ nonFiniteAtStep: z.number().int().min(1).optional() }),
);

const faults = faultsSchema.parse(JSON.parse(process.env[VARIABLE] ?? '{}'));
setRunHooks((variant) => (Object.hasOwn(faults, variant) ? { faults: faults[variant] } : {}));
