/**
 * The bench's builds and servers: the bench page (bench-page/) and the app, each built by Vite into
 * node_modules and served by `vite preview`; and the app's initial JavaScript, read from its build
 * manifest, which must hold no TensorFlow.js (that belongs to the worker chunk, loaded when a run
 * starts).
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, preview, type PreviewServer } from 'vite';

export interface InitialJs {
  /** The JS files `index.html` loads up front: the entry chunk and its static imports. */
  files: { file: string; bytes: number; gzipBytes: number }[];
  bytes: number;
  gzipBytes: number;
  /** TensorFlow.js markers found in those files (must be empty). */
  tfjsMarkers: string[];
  /** The worker chunk, for comparison; the markers must be found there (a check of the check). */
  workerChunk: { file: string; gzipBytes: number; tfjsMarkers: string[] } | null;
}

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BENCH_PAGE_CONFIG = join(ROOT, 'src/cli/bench-page/vite.config.ts');
export const APP_CONFIG = join(ROOT, 'vite.config.ts');
export const BENCH_DIST = join(ROOT, 'node_modules/.focal-lab-bench-dist');
export const APP_DIST = join(ROOT, 'node_modules/.focal-lab-bench-app-dist');

/**
 * Strings that identify TensorFlow.js in a bundle after minification (from its messages, flag and
 * kernel names; checked against the worker chunk, where they must be found).
 */
const TFJS_MARKERS = ['tfjs', 'tensorflow', 'KEEP_INTERMEDIATE_TENSORS', 'numTensors', 'Conv2D'];

export async function buildBenchPage(): Promise<void> {
  await build({
    configFile: BENCH_PAGE_CONFIG,
    logLevel: 'error',
    build: { outDir: BENCH_DIST, emptyOutDir: true },
  });
}

export async function buildApp(): Promise<void> {
  await build({
    root: ROOT,
    configFile: APP_CONFIG,
    logLevel: 'error',
    build: { outDir: APP_DIST, emptyOutDir: true, manifest: true },
  });
}

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
}

const found = (text: string): string[] => TFJS_MARKERS.filter((m) => text.includes(m));

/** The entry chunk of `index.html` and, transitively, its static imports (not dynamic ones). */
export async function initialJs(dist: string): Promise<InitialJs> {
  const manifest = JSON.parse(await readFile(join(dist, '.vite/manifest.json'), 'utf8')) as Record<
    string,
    ManifestChunk
  >;
  if (!manifest['index.html']) throw new Error('the build manifest has no index.html entry');
  const keys = new Set<string>();
  const visit = (key: string) => {
    if (keys.has(key)) return;
    keys.add(key);
    for (const k of manifest[key]?.imports ?? []) visit(k);
  };
  visit('index.html');
  const files: InitialJs['files'] = [];
  const markers = new Set<string>();
  for (const key of keys) {
    const file = manifest[key].file;
    if (!file.endsWith('.js')) continue;
    const buf = await readFile(join(dist, file));
    files.push({ file, bytes: buf.length, gzipBytes: gzipSync(buf).length });
    for (const m of found(buf.toString('utf8'))) markers.add(m);
  }
  const html = await readFile(join(dist, 'index.html'), 'utf8');
  for (const f of files.slice(0, 1))
    if (!html.includes(f.file)) throw new Error(`index.html does not load the entry chunk ${f.file}`);
  const workerFile = (await readdir(join(dist, 'assets'))).find((f) => /^trainer\.worker-.*\.js$/.test(f));
  let workerChunk: InitialJs['workerChunk'] = null;
  if (workerFile) {
    const buf = await readFile(join(dist, 'assets', workerFile));
    workerChunk = {
      file: `assets/${workerFile}`,
      gzipBytes: gzipSync(buf).length,
      tfjsMarkers: found(buf.toString('utf8')),
    };
  }
  return {
    files,
    bytes: files.reduce((s, f) => s + f.bytes, 0),
    gzipBytes: files.reduce((s, f) => s + f.gzipBytes, 0),
    tfjsMarkers: [...markers],
    workerChunk,
  };
}

export async function serve(
  configFile: string,
  outDir: string,
): Promise<{ server: PreviewServer; url: string }> {
  const server = await preview({
    root: ROOT,
    configFile,
    logLevel: 'error',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 4390, strictPort: false, open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview gave no local URL');
  return { server, url };
}
