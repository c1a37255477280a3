/**
 * Reading an experiment for the command line, from a file or a share link (the whole URL, its
 * `#x=...` part, or `x=...`): the same decoding and validation as the app, so the same messages.
 * A bad input is reported problem by problem with its path, and the caller exits with code 2.
 */
import { open } from 'node:fs/promises';
import { parseExperiment } from '../core/experiment/resolve';
import type { Experiment } from '../core/experiment/schema';
import { parseJsonBytes } from '../core/input/text';
import { decodeExperiment, payloadFromLink } from '../core/share/codec';
import type { Parsed, Problem } from '../core/validation';
import { UsageError } from './args';

export type Loaded = { ok: true; experiment: Experiment } | { ok: false; message: string };

/** Largest experiment file read (a share link holds at most 256 kB of JSON). */
export const MAX_EXPERIMENT_FILE_BYTES = 4 * 1024 * 1024;

/** `source` and its problems, one per line, the last line a problem (no usage text after it). */
export function describeRefusal(source: string, problems: readonly Problem[]): string {
  return [
    `${source} was not run. What was wrong:`,
    ...problems.map((p) => `  ${p.path ? `${p.path}: ` : ''}${p.message}`),
  ].join('\n');
}

/** At most `limit` + 1 bytes of the file, so that a huge or endless file is refused, not read. */
async function readAtMost(path: string, limit: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(limit + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) break;
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

async function readExperimentFile(path: string): Promise<Parsed<Experiment> | string> {
  let bytes: Uint8Array;
  try {
    bytes = await readAtMost(path, MAX_EXPERIMENT_FILE_BYTES);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return `${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(error)})`}`;
  }
  const json = parseJsonBytes(bytes, MAX_EXPERIMENT_FILE_BYTES);
  if (!json.ok && bytes.length > MAX_EXPERIMENT_FILE_BYTES)
    return {
      ok: false,
      problems: [{ path: '', message: `the file is too large (over ${MAX_EXPERIMENT_FILE_BYTES} bytes)` }],
    };
  return json.ok ? parseExperiment(json.value) : json;
}

export async function loadExperiment(source: string): Promise<Loaded> {
  const payload = payloadFromLink(source);
  const parsed = payload !== null ? await decodeExperiment(payload) : await readExperimentFile(source);
  if (typeof parsed === 'string') return { ok: false, message: parsed };
  if (!parsed.ok)
    return { ok: false, message: describeRefusal(payload !== null ? 'The link' : source, parsed.problems) };
  return { ok: true, experiment: parsed.value };
}

export const BACKEND_CHOICES = ['wasm', 'cpu', 'webgpu'] as const;
export type CliBackend = (typeof BACKEND_CHOICES)[number];

const isCliBackend = (value: string): value is CliBackend =>
  (BACKEND_CHOICES as readonly string[]).includes(value);

/** `--backend` (wasm when absent); an unknown backend throws a `UsageError`. */
export function parseBackend(value: string | undefined): CliBackend {
  const backend = value ?? 'wasm';
  if (!isCliBackend(backend))
    throw new UsageError(
      `--backend: unknown backend "${backend}"; in Node use ${BACKEND_CHOICES.join(', ')}`,
    );
  return backend;
}

/**
 * `--backend` of the commands that train many runs in worker processes (rates, reach, zoo, paper):
 * wasm or cpu; webgpu is refused by name (one GPU shared by several processes measures nothing).
 */
export function parseCpuBackend(value: string | undefined): 'wasm' | 'cpu' {
  const backend = parseBackend(value);
  if (backend === 'webgpu') throw new UsageError('--backend: this command runs on wasm or cpu, not webgpu');
  return backend;
}

/** A non-negative integer flag (at least `min`), undefined when absent; a `UsageError` names the flag. */
export function parseCount(flag: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > 2 ** 31 - 1)
    throw new UsageError(`${flag}: expected an integer >= ${min}, got "${value}"`);
  return Number(value);
}
