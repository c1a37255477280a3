/**
 * `--backend webgpu` in Node: Dawn's binding on a Vulkan driver (SwiftShader on machines without a
 * GPU). Runs in a child process with the environment that src/cli/vulkan.ts finds, as the command
 * line does. Skipped, saying why, only where no Vulkan driver is found.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findVulkan, vulkanEnv } from '../../../src/cli/vulkan';

const setup = await findVulkan();
const skipReason = typeof setup === 'string' ? setup : null;
if (skipReason) console.warn(`skipping the WebGPU-in-Node test: ${skipReason}`);

describe.skipIf(skipReason !== null)('webgpu in Node (Dawn)', () => {
  it('agrees with cpu on log-probabilities and samples, and runs RL steps', () => {
    if (typeof setup === 'string') return;
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./node-webgpu.child.ts', import.meta.url))],
      { env: vulkanEnv(setup), encoding: 'utf8', timeout: 600_000 },
    );
    expect(child.status, `child failed:\n${child.stderr}`).toBe(0);
    const lines = child.stdout.trim().split('\n');
    const result = JSON.parse(lines[lines.length - 1]);
    console.log(`webgpu adapter: ${result.adapter} (Vulkan from ${setup.source})`);
    expect(result.backend).toBe('webgpu');
    const { cpu, webgpu } = result as { cpu: { tokens: number[]; logp: number[] }; webgpu: typeof cpu };
    // Same seeds, same Gumbel noise: the argmax picks the same tokens except at near-ties.
    const same = cpu.tokens.filter((t, i) => t === webgpu.tokens[i]).length / cpu.tokens.length;
    expect(same).toBeGreaterThan(0.95);
    // The same weights score the same (cpu-sampled) tokens alike, up to float32 rounding. Targets
    // the policy never emits (prompt positions) sit near -1e4 and are left out.
    const scored = cpu.logp.map((x, i) => [x, webgpu.logp[i]]).filter(([x]) => x > -50);
    expect(scored.length).toBeGreaterThan(40);
    for (const [x, y] of scored) expect(y).toBeCloseTo(x, 3);
    for (const s of result.steps) for (const v of Object.values(s)) expect(Number.isFinite(v)).toBe(true);
    expect(result.steps[1].kl).toBeGreaterThan(0);
    expect(result.tensorsAfterLast).toBe(result.tensorsAfterFirst);
  }, 900_000);
});
