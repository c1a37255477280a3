/**
 * Finding a Vulkan loader and driver for WebGPU in Node (Dawn's binding, npm package `webgpu`).
 *
 * Dawn opens `libvulkan.so.1` with dlopen, which reads LD_LIBRARY_PATH only as the process starts:
 * when the loader is not on the system's search path, the command re-runs itself once with the
 * environment below (`relaunchForVulkan`). The Vulkan loader reads VK_DRIVER_FILES /
 * VK_ICD_FILENAMES when the adapter is requested.
 *
 * Order: FOCAL_VULKAN_DIR (a folder with libvulkan.so.1, and vk_swiftshader_icd.json unless
 * VK_DRIVER_FILES or VK_ICD_FILENAMES names the driver, e.g. a real GPU's), then Debian's Chromium
 * (/usr/lib/chromium ships the loader and SwiftShader), then the npm Chromium of
 * `@sparticuz/chromium` (unpacked into node_modules/.cache on first use), then a system loader with
 * the system's drivers.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const VULKAN_DIR_ENV = 'FOCAL_VULKAN_DIR';
/** Set in the relaunched process, so that it never relaunches again. */
const RELAUNCHED_ENV = 'FOCAL_VULKAN_RELAUNCHED';

const LOADER = 'libvulkan.so.1';
const SWIFTSHADER_ICD = 'vk_swiftshader_icd.json';
const DEBIAN_CHROMIUM = '/usr/lib/chromium';

export interface VulkanSetup {
  /** Where the pieces came from, for messages and the benchmark's report. */
  source: string;
  /** Folder to put first on LD_LIBRARY_PATH; null when the system's loader is used. */
  loaderDir: string | null;
  /** Driver manifest for VK_DRIVER_FILES; null when the environment or the system picks it. */
  icd: string | null;
}

const driverFromEnv = (): string | null =>
  process.env.VK_DRIVER_FILES || process.env.VK_ICD_FILENAMES || null;

function fromDir(dir: string, source: string): VulkanSetup | null {
  if (!existsSync(join(dir, LOADER))) return null;
  if (driverFromEnv()) return { source: `${source}, driver from the environment`, loaderDir: dir, icd: null };
  if (!existsSync(join(dir, SWIFTSHADER_ICD))) return null;
  return { source: `${source} (SwiftShader)`, loaderDir: dir, icd: join(dir, SWIFTSHADER_ICD) };
}

function systemLoader(): boolean {
  const ldconfig = spawnSync('ldconfig', ['-p'], { encoding: 'utf8' });
  if (ldconfig.status === 0 && ldconfig.stdout.includes(LOADER)) return true;
  return ['/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib'].some((d) => existsSync(join(d, LOADER)));
}

/** The npm Chromium's folder (unpacked on demand), or null when the package is missing or fails. */
async function npmChromiumDir(): Promise<string | null> {
  try {
    const { npmChromium, NPM_CHROMIUM_DIR } = await import('./chromium');
    await npmChromium();
    return NPM_CHROMIUM_DIR;
  } catch {
    return null;
  }
}

/** Where the Vulkan loader and driver are, or a message saying what was tried. */
export async function findVulkan(): Promise<VulkanSetup | string> {
  const tried: string[] = [];
  const override = process.env[VULKAN_DIR_ENV];
  if (override) {
    const found = fromDir(override, `${VULKAN_DIR_ENV}=${override}`);
    if (found) return found;
    return `${VULKAN_DIR_ENV}=${override} holds no ${LOADER}${driverFromEnv() ? '' : ` and ${SWIFTSHADER_ICD}`} (and neither VK_DRIVER_FILES nor VK_ICD_FILENAMES is set)`;
  }
  const debian = fromDir(DEBIAN_CHROMIUM, `Debian's Chromium in ${DEBIAN_CHROMIUM}`);
  if (debian) return debian;
  tried.push(`${DEBIAN_CHROMIUM} (no ${LOADER} with ${SWIFTSHADER_ICD})`);
  const npmDir = await npmChromiumDir();
  const npm = npmDir ? fromDir(npmDir, `the npm Chromium in ${npmDir}`) : null;
  if (npm) return npm;
  tried.push('the npm Chromium (@sparticuz/chromium: missing, not Linux x64, or without SwiftShader)');
  if (systemLoader()) return { source: 'the system Vulkan loader and drivers', loaderDir: null, icd: null };
  tried.push(`a system ${LOADER}`);
  return `no Vulkan driver found for WebGPU in Node; tried ${VULKAN_DIR_ENV} (unset), ${tried.join(', ')}. Install Chromium (Debian: apt-get install -y chromium), run npm install (it brings @sparticuz/chromium), or set ${VULKAN_DIR_ENV} to a folder with ${LOADER} (and VK_DRIVER_FILES to a driver manifest).`;
}

/** The environment a process needs to reach `setup`'s loader and driver. */
export function vulkanEnv(setup: VulkanSetup, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, [RELAUNCHED_ENV]: '1' };
  if (setup.loaderDir)
    env.LD_LIBRARY_PATH = [setup.loaderDir, base.LD_LIBRARY_PATH].filter(Boolean).join(':');
  if (setup.icd) {
    env.VK_DRIVER_FILES = setup.icd;
    env.VK_ICD_FILENAMES = setup.icd; // older loaders read only this name
  }
  return env;
}

/** Whether this process already has the environment of {@link vulkanEnv}. */
export const relaunched = (): boolean => process.env[RELAUNCHED_ENV] === '1';

/**
 * Run this command again in a child process with the Vulkan environment, and return its exit code;
 * or a message when no driver is found. Returns null when nothing needs doing (already relaunched).
 */
export async function relaunchForVulkan(): Promise<number | string | null> {
  if (relaunched()) return null;
  const setup = await findVulkan();
  if (typeof setup === 'string') return setup;
  console.error(`webgpu: Vulkan from ${setup.source}`);
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: vulkanEnv(setup),
  });
  if (child.error) return `webgpu: could not relaunch with the Vulkan environment (${child.error.message})`;
  return child.status ?? 1;
}

/** Whether command-line arguments ask for webgpu in Node (`--backend webgpu`, `--backends wasm,webgpu`). */
export function wantsWebgpu(argv: readonly string[]): boolean {
  const values = argv.flatMap((a, i) => {
    if (a === '--backend' || a === '--backends') return argv[i + 1] ? [argv[i + 1]] : [];
    const m = /^--backends?=(.*)$/.exec(a);
    return m ? [m[1]] : [];
  });
  // webgpu (the fused engine) and webgpu-tfjs (the benchmark's TF.js path) both need Vulkan.
  return values.some((v) => v.split(',').some((b) => b === 'webgpu' || b === 'webgpu-tfjs'));
}
