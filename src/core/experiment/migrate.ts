/**
 * Older experiment files and links, read with their original meaning. Runs before the schema, on
 * raw input; it changes only what a version change requires and leaves everything else to the
 * schema's checks (so a bad file still gets the schema's messages).
 */
import { EXPERIMENT_VERSION, OLDEST_EXPERIMENT_VERSION } from './schema';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether this version is read (directly or through a migration). */
export function readableVersion(version: unknown): boolean {
  return (
    typeof version === 'number' &&
    Number.isInteger(version) &&
    version >= OLDEST_EXPERIMENT_VERSION &&
    version <= EXPERIMENT_VERSION
  );
}

/**
 * Version 1 -> 2: there was no `base`; every run initialised its policy from the seed and
 * warm-started it with the `warmStart` settings (600 steps by default), which is `base: 'scratch'`.
 * Variants inherit it (their overrides could not name a base). Anything else passes unchanged.
 */
export function migrateExperiment(input: unknown): unknown {
  if (!isPlainObject(input) || input.version !== 1) return input;
  return { ...input, version: 2, base: 'scratch' };
}
