/**
 * Where the browser tests and the browser benchmark find Chromium, and the flags that work headless
 * as root on these machines. The order: `$CHROMIUM_PATH`, then a system Chromium or
 * Chrome, then the Chromium of the npm dev dependency `@sparticuz/chromium` (unpacked once, with
 * SwiftShader beside it). Nothing here downloads a browser from anywhere.
 *
 * Shared by the bench (bench.ts, bench-browser.ts), vulkan.ts (SwiftShader for Dawn in Node), and the
 * browser tests (test/browser/run.ts, playwright.config.ts).
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** WebGPU on SwiftShader where there is no GPU (requestAdapter returns null without it). */
export const WEBGPU_ARGS = [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'];

/** Set to 1 to skip the system browsers (to test the npm Chromium on a machine that has one). */
export const NO_SYSTEM_ENV = 'FOCAL_NO_SYSTEM_CHROMIUM';

export type ChromiumSource = 'CHROMIUM_PATH' | 'system' | 'npm';

export interface FoundChromium {
  path: string;
  source: ChromiumSource;
}

const SYSTEM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];
const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** A system Chromium or Chrome: the usual install paths, then the names on $PATH. */
export function systemChromium(): string | null {
  if (process.env[NO_SYSTEM_ENV] === '1') return null;
  for (const path of SYSTEM_PATHS) if (executable(path)) return path;
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean))
    for (const name of SYSTEM_NAMES) if (executable(join(dir, name))) return join(dir, name);
  return null;
}

/**
 * Where the npm Chromium is unpacked: inside this checkout's node_modules (not the shared /tmp the
 * package uses by default), so that several checkouts on one machine never see each other's
 * half-written files, and `rm -rf node_modules` removes it.
 */
export const NPM_CHROMIUM_DIR = fileURLToPath(
  new URL('../../node_modules/.cache/focal-lab-chromium', import.meta.url),
);

/**
 * Unpacks `@sparticuz/chromium` (about 67 MB compressed, a few seconds, once) and returns the binary;
 * SwiftShader's Vulkan and GL files (`libvk_swiftshader.so`, `vk_swiftshader_icd.json`,
 * `libvulkan.so.1`, `libEGL.so`, `libGLESv2.so`) lie in the same folder. Linux x64 only.
 */
export async function npmChromium(): Promise<string> {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(
      `the npm Chromium (@sparticuz/chromium) is built for Linux x64, not ${process.platform} ${process.arch}`,
    );
  const { default: chromium } = await import('@sparticuz/chromium');
  const { mkdirSync, rmSync, writeFileSync } = await import('node:fs');
  const done = join(NPM_CHROMIUM_DIR, '.unpacked');
  // An unpacking cut short leaves files that look complete to the package: start again.
  if (!existsSync(done)) rmSync(NPM_CHROMIUM_DIR, { recursive: true, force: true });
  mkdirSync(NPM_CHROMIUM_DIR, { recursive: true });
  // The package unpacks into os.tmpdir(), which reads TMPDIR when called; every call happens
  // synchronously inside executablePath() before its first await, so the override is scoped to it.
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = NPM_CHROMIUM_DIR;
  let pending: Promise<string>;
  try {
    pending = chromium.executablePath();
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
  const path = await pending;
  if (dirname(path) !== NPM_CHROMIUM_DIR || !existsSync(path))
    throw new Error(`the npm Chromium unpacked to ${path}, not into ${NPM_CHROMIUM_DIR}`);
  writeFileSync(done, '');
  return path;
}

/** The folder with SwiftShader's Vulkan driver and ICD file, after `npmChromium()` (for Dawn in Node). */
export const NPM_SWIFTSHADER_ICD = join(NPM_CHROMIUM_DIR, 'vk_swiftshader_icd.json');

/** Finds a browser in the order above; throws with what was tried when there is none. */
export async function findChromium(): Promise<FoundChromium> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!executable(fromEnv)) throw new Error(`CHROMIUM_PATH is ${fromEnv}, which is not an executable file`);
    return { path: fromEnv, source: 'CHROMIUM_PATH' };
  }
  const system = systemChromium();
  if (system) return { path: system, source: 'system' };
  try {
    return { path: await npmChromium(), source: 'npm' };
  } catch (error) {
    throw new Error(
      'no Chromium found: CHROMIUM_PATH is unset, ' +
        (process.env[NO_SYSTEM_ENV] === '1'
          ? `the system browsers were skipped (${NO_SYSTEM_ENV}=1), `
          : `none of ${SYSTEM_PATHS.join(', ')} nor ${SYSTEM_NAMES.join(', ')} on $PATH exists, `) +
        `and the npm Chromium failed (${error instanceof Error ? error.message : String(error)}). ` +
        'Run `npm install` (it brings @sparticuz/chromium), install Chromium (Debian: ' +
        '`apt-get install -y chromium`), or set CHROMIUM_PATH. Nothing here downloads a browser.',
    );
  }
}

/**
 * The browser for a process that cannot wait (the Playwright config): CHROMIUM_PATH (set by
 * test/browser/run.ts after `findChromium()`), else a system browser.
 */
export function chromiumNow(): string {
  const path = process.env.CHROMIUM_PATH ?? systemChromium();
  if (!path)
    throw new Error(
      'no Chromium: run the browser tests with `npm run test:browser`, which also finds the npm ' +
        'Chromium, or set CHROMIUM_PATH',
    );
  return path;
}
