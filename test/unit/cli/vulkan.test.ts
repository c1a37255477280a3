/** Locating a Vulkan loader and driver for WebGPU in Node (src/cli/vulkan.ts). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VULKAN_DIR_ENV, findVulkan, vulkanEnv, wantsWebgpu } from '../../../src/cli/vulkan';

const saved = { ...process.env };
afterEach(() => {
  for (const k of [VULKAN_DIR_ENV, 'VK_DRIVER_FILES', 'VK_ICD_FILENAMES']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

function folder(files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'focal-vulkan-'));
  for (const f of files) writeFileSync(join(dir, f), '');
  return dir;
}

describe('findVulkan', () => {
  it('takes FOCAL_VULKAN_DIR first, with SwiftShader beside the loader', async () => {
    const dir = folder(['libvulkan.so.1', 'vk_swiftshader_icd.json']);
    process.env[VULKAN_DIR_ENV] = dir;
    delete process.env.VK_DRIVER_FILES;
    delete process.env.VK_ICD_FILENAMES;
    const setup = await findVulkan();
    expect(setup).toMatchObject({ loaderDir: dir, icd: join(dir, 'vk_swiftshader_icd.json') });
    if (typeof setup === 'string') throw new Error(setup);
    const env = vulkanEnv(setup, { LD_LIBRARY_PATH: '/opt/x' });
    expect(env.LD_LIBRARY_PATH).toBe(`${dir}:/opt/x`);
    expect(env.VK_DRIVER_FILES).toBe(join(dir, 'vk_swiftshader_icd.json'));
    rmSync(dir, { recursive: true });
  });

  it('keeps a driver named in the environment (a real GPU) and brings only the loader', async () => {
    const dir = folder(['libvulkan.so.1']);
    process.env[VULKAN_DIR_ENV] = dir;
    process.env.VK_DRIVER_FILES = '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json';
    const setup = await findVulkan();
    expect(setup).toMatchObject({ loaderDir: dir, icd: null });
    if (typeof setup === 'string') throw new Error(setup);
    expect(vulkanEnv(setup, process.env).VK_DRIVER_FILES).toBe(process.env.VK_DRIVER_FILES);
    rmSync(dir, { recursive: true });
  });

  it('says what is missing when FOCAL_VULKAN_DIR holds no loader', async () => {
    const dir = folder(['vk_swiftshader_icd.json']);
    process.env[VULKAN_DIR_ENV] = dir;
    delete process.env.VK_DRIVER_FILES;
    delete process.env.VK_ICD_FILENAMES;
    expect(await findVulkan()).toMatch(new RegExp(`FOCAL_VULKAN_DIR=${dir} holds no libvulkan.so.1`));
    rmSync(dir, { recursive: true });
  });
});

describe('wantsWebgpu', () => {
  it('reads --backend and --backends values only', () => {
    expect(wantsWebgpu(['run', 'x.json', '--backend', 'webgpu'])).toBe(true);
    expect(wantsWebgpu(['bench', '--backends=wasm,webgpu'])).toBe(true);
    expect(wantsWebgpu(['bench', '--backends', 'cpu,wasm'])).toBe(false);
    expect(wantsWebgpu(['bench', '--where', 'browser', '--browser-backends', 'webgpu'])).toBe(false);
  });
});
