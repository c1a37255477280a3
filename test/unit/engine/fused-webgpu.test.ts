/**
 * The fused WebGPU engine against the TF.js engine, on Dawn in Node (SwiftShader on machines
 * without a GPU), in child processes with the environment src/cli/vulkan.ts finds. Skipped,
 * saying why, only where no Vulkan driver is found.
 *
 * Tolerances: float32 in both engines, summed in other orders. Errors are relative to the
 * tensor's scale (max |a - b| / max |b|); a gradient's is relative to the largest gradient of any
 * tensor, because the key bias's true gradient is zero (softmax ignores a shift) and holds only
 * rounding noise in both engines.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findVulkan, vulkanEnv } from '../../../src/cli/vulkan';

const setup = await findVulkan();
const skipReason = typeof setup === 'string' ? setup : null;
if (skipReason) console.warn(`skipping the fused WebGPU engine tests: ${skipReason}`);

function runChild(file: string, args: string[]): Record<string, unknown> {
  if (typeof setup === 'string') throw new Error(setup);
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL(file, import.meta.url)), ...args],
    {
      env: vulkanEnv(setup),
      encoding: 'utf8',
      timeout: 900_000,
    },
  );
  expect(child.status, `child failed:\n${child.stderr.slice(-4000)}`).toBe(0);
  const lines = child.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

describe.skipIf(skipReason !== null)('the fused WebGPU engine', () => {
  it('matches TF.js autodiff and the TF.js step at every size', () => {
    const result = runChild('./fused.child.ts', ['small,medium,large']) as {
      errors: string[];
      report: Record<string, Record<string, number>>;
    };
    expect(result.errors).toEqual([]);
    for (const [size, r] of Object.entries(result.report)) {
      const where = `${size}: ${JSON.stringify(r)}`;
      expect(r.logp, where).toBeLessThan(1e-4);
      for (const [k, v] of Object.entries(r))
        if (k.startsWith('grad ')) expect(v, `${size} ${k}`).toBeLessThan(1e-4);
      for (const [k, v] of Object.entries(r))
        if (k.startsWith('stat ')) expect(v, `${size} ${k}`).toBeLessThan(1e-4);
      expect(r.paramsAfter, where).toBeLessThan(1e-4);
      // Same weights and the same Gumbel noise: the same tokens, but for a rare near-tie.
      expect(r.sampleAgreement, where).toBeGreaterThan(0.97);
      expect(r.greedyAgreement, where).toBeGreaterThan(0.97);
    }
    // A whole step of this check (sampling, reference forward, mu = 2 update passes) per size.
    expect(result.report.medium.dispatches).toBeLessThanOrEqual(300);
    for (const r of Object.values(result.report)) expect(r.dispatches).toBeLessThanOrEqual(450);
  }, 1_200_000);

  it('trains through the trainer, stays flat, and swaps checkpoints with the TF.js engine', () => {
    const r = runChild('./trainer.child.ts', ['100', '60']) as Record<string, never>;
    expect(r.engine).toBe('webgpu-fused');
    expect(r.errors).toEqual([]);
    // Every buffer is made when a shape is first seen; none after.
    expect(r.buffersAfterMany).toBe(r.buffersAfterFirst);
    expect(r.tensors).toBe(0);
    for (const v of Object.values(r.first)) expect(Number.isFinite(v)).toBe(true);
    for (const v of Object.values(r.last)) expect(Number.isFinite(v)).toBe(true);
    // The step after a checkpoint moved between engines agrees with the engine it came from.
    for (const dir of ['fusedToTfjs', 'tfjsToFused'] as const)
      for (const [k, v] of Object.entries(r[dir] as Record<string, number>))
        expect(v, `${dir} ${k}`).toBeLessThan(1e-3);
    // 60 steps from the same seed: rounding can flip a near-tie draw and the runs part, so the
    // held-out rubric scores (4 samples of each held-out topic) agree within 0.15, not exactly.
    expect(Math.abs((r.heldOutFused as number) - (r.heldOutTfjs as number))).toBeLessThanOrEqual(0.15);
  }, 1_200_000);
});
