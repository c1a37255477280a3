/**
 * The system Chromium and the flags that work headless as root on these machines (BROWSER.md).
 * Shared by the Playwright config and the browser benchmark; nothing here downloads a browser.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

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
