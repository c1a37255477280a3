/**
 * Reading an experiment file for the command line: every problem is printed with its path and
 * the caller exits with code 2.
 */
import { readFile } from 'node:fs/promises';
import { parseExperiment } from '../core/experiment/resolve';
import type { Experiment } from '../core/experiment/schema';

export type Loaded = { ok: true; experiment: Experiment } | { ok: false; message: string };

export async function loadExperiment(path: string): Promise<Loaded> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      message: `${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(error)})`}`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      message: `${path}: not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  const parsed = parseExperiment(json);
  if (!parsed.ok)
    return {
      ok: false,
      message: `${path}: invalid experiment\n${parsed.problems.map((p) => `  ${p.path || '(root)'}: ${p.message}`).join('\n')}`,
    };
  return { ok: true, experiment: parsed.value };
}

export const BACKEND_CHOICES = ['wasm', 'cpu'] as const;
export type CliBackend = (typeof BACKEND_CHOICES)[number];

export function parseBackend(value: string | undefined): CliBackend | string {
  const backend = value ?? 'wasm';
  if (!(BACKEND_CHOICES as readonly string[]).includes(backend))
    return `--backend: unknown backend "${backend}"; in Node use ${BACKEND_CHOICES.join(' or ')}`;
  return backend as CliBackend;
}

/** A non-negative integer flag, or a message naming the flag. */
export function parseCount(flag: string, value: string | undefined, min = 0): number | string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > 2 ** 31 - 1)
    return `${flag}: expected an integer >= ${min}, got "${value}"`;
  return Number(value);
}
