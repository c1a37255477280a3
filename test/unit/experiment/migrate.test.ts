/**
 * Old experiment files and links keep their meaning: version 1 had no `base`, and every run
 * warm-started from its seed, which version 2 calls `base: 'scratch'`.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_BASE, EXPERIMENT_VERSION } from '../../../src/core/experiment/schema';
import { migrateExperiment, readableVersion } from '../../../src/core/experiment/migrate';
import { parseExperiment } from '../../../src/core/experiment/resolve';
import { decodeExperiment } from '../../../src/core/share/codec';

/** A share link made by the version-1 app (commit 290c125): meadow, small, seeds 3 and 4, 40 steps, a 300-step warm start. */
const V1_LINK =
  'PZDLTgMxDEV_Bd21QekUJMiWBQueUpeoC3fGtEPzUuJpeaj_jpIBdnEc-56cbyiXPSy88BCPIPg4iIP9Rhm_BBbFs3M4EbzoLg6183fCW-zZgbBl7xm2I2xEGdZc3BDYpR0_jqGW5oqQcnyXXscYYDVPQthwqQnbHKcEQunZ_dfnRQcQQsweFhvWflchYtLRVwaX217TEfzUoiWVWzemev0Lcv_Q3tRe0Nsob7CG4PnjLvPw1DYvCCo-SWadssAuToTCPrkxbGtMY1k1E9ftCz5peZG8Ukmw1yfCkbNfKWdtzlRSgV0aQzPzPLrs6A94QehjTlOZO50xpkbOc5eGIAdu-uUg-RO2u_oFkjLnbbjfS6j2edIIwkFyaVIXhMC-Gnx2w5kbw75KFRkK7OuSLteEA-eRg9aL9ekH';

describe('experiment migration', () => {
  it('reads a version-1 file as a warm start from scratch, keeping every other field', () => {
    const v1 = {
      version: 1,
      task: 'kitchen',
      seeds: [1, 2],
      warmStart: { steps: 250, lr: 0.005 },
      variants: [{ name: 'static', overrides: { method: { method: 'static' } } }],
    };
    const parsed = parseExperiment(v1);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.version).toBe(EXPERIMENT_VERSION);
    expect(parsed.value.base).toBe('scratch');
    expect(parsed.value.warmStart).toMatchObject({ steps: 250, lr: 0.005 });
    expect(parsed.value.seeds).toEqual([1, 2]);
    expect(parsed.value.variants[0].name).toBe('static');
  });

  it('leaves the input untouched and passes newer versions through', () => {
    const v1 = { version: 1, task: 'meadow' };
    expect(migrateExperiment(v1)).toEqual({ version: 2, task: 'meadow', base: 'scratch' });
    expect(v1).toEqual({ version: 1, task: 'meadow' });
    const v2 = { version: 2, task: 'meadow', base: 'zoo' };
    expect(migrateExperiment(v2)).toBe(v2);
  });

  it('a version-2 file names its base, or takes the default', () => {
    const zoo = parseExperiment({ version: 2, task: 'meadow', base: 'zoo' });
    const scratch = parseExperiment({ version: 2, task: 'meadow', base: 'scratch' });
    const none = parseExperiment({ version: 2, task: 'meadow' });
    expect(zoo.ok && zoo.value.base).toBe('zoo');
    expect(scratch.ok && scratch.value.base).toBe('scratch');
    expect(none.ok && none.value.base).toBe(DEFAULT_BASE);
    const bad = parseExperiment({ version: 2, task: 'meadow', base: 'pretrained' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.map((p) => p.path)).toContain('base');
  });

  it('an old share link opens with its original meaning', async () => {
    const decoded = await decodeExperiment(V1_LINK);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value).toMatchObject({
      version: EXPERIMENT_VERSION,
      base: 'scratch',
      task: 'meadow',
      name: 'Old link',
      seeds: [3, 4],
      steps: 40,
      model: { size: 'small' },
      warmStart: { steps: 300, batchSize: 32, lr: 0.01, corpusSize: 2000 },
    });
  });

  it('refuses versions it cannot read, naming them', () => {
    expect([0, 1, 2, 3, '2', null].map(readableVersion)).toEqual([false, true, true, false, false, false]);
    const future = parseExperiment({ version: 3, task: 'meadow' });
    expect(future.ok).toBe(false);
    if (!future.ok) expect(future.problems.map((p) => p.path)).toContain('version');
  });
});
