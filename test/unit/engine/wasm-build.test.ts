/**
 * The committed kernels (engine/wasm/kernels.wasm.ts, and the threaded build in
 * kernels-shared.wasm.ts) are what scripts/build-wasm.sh makes from kernels.c, so the source and
 * the bytes cannot drift apart. Skipped, saying why, where clang or
 * wasm-ld is missing (installing the lab needs no compiler; CI installs one to run this).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KERNELS_WASM_BASE64 } from '../../../src/core/engine/wasm/kernels.wasm';
import { KERNELS_SHARED_WASM_BASE64 } from '../../../src/core/engine/wasm/kernels-shared.wasm';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const missing = ['clang', 'wasm-ld'].filter(
  (tool) => spawnSync(tool, ['--version'], { encoding: 'utf8' }).status !== 0,
);
const skipReason = missing.length > 0 ? `${missing.join(' and ')} not found` : null;
if (skipReason) console.warn(`skipping the wasm kernels' build check: ${skipReason}`);

describe.skipIf(skipReason !== null)('the wasm kernels', () => {
  it('rebuild to the committed bytes', () => {
    const build = spawnSync('bash', ['scripts/build-wasm.sh', '--print'], { cwd: root, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    expect(build.stdout.trim().split('\n')).toEqual([KERNELS_WASM_BASE64, KERNELS_SHARED_WASM_BASE64]);
  }, 60_000);
});
