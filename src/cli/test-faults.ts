/**
 * Test-only fault injection for the command line, so that the CLI's handling of a failed run is
 * tested for real through its entry point. Faults come from the environment variable
 * `FOCAL_LAB_TEST_FAULTS` of the process that runs the command (a test sets it), never from an
 * experiment file or link: `{ "<variant name>": { "nonFiniteAtStep": 2 } }`.
 */
import { z } from 'zod';
import type { TrainerFaults } from '../core/train/types';

export const TEST_FAULTS_VARIABLE = 'FOCAL_LAB_TEST_FAULTS';

const faultsSchema = z.record(
  z.string(),
  z.strictObject({ nonFiniteAtStep: z.number().int().min(1).optional() }),
);

/** The faults for `variant`, if the variable names it; a malformed variable is an error, not ignored. */
export function testFaultsFor(
  variant: string,
  env: NodeJS.ProcessEnv = process.env,
): TrainerFaults | undefined {
  const text = env[TEST_FAULTS_VARIABLE];
  if (text === undefined || text === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${TEST_FAULTS_VARIABLE} is not valid JSON`);
  }
  const faults = faultsSchema.safeParse(parsed);
  if (!faults.success) throw new Error(`${TEST_FAULTS_VARIABLE}: ${faults.error.issues[0].message}`);
  return Object.hasOwn(faults.data, variant) ? faults.data[variant] : undefined;
}
