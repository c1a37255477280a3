/**
 * The command line as the tests run it: `lab(args)` spawns `src/cli/main.ts` as a user would (its
 * own process, its real exit code and streams), and `scratchDir` gives each test file a temporary
 * folder, removed after the file, with a helper that writes an input file into it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export interface LabResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A module to preload into the CLI that makes the variants named in `FOCAL_LAB_TEST_FAULTS` fail. */
export const INJECT_FAULTS = fileURLToPath(new URL('./cli/inject-faults.ts', import.meta.url));

/**
 * Runs `npm run lab -- <args>` (through tsx, without npm's banner); resolves, never rejects.
 * `preload`: a module imported before the CLI, in its worker processes too (`node --import`).
 */
export function lab(
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number; preload?: string } = {},
): Promise<LabResult> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', ...(options.preload ? ['--import', options.preload] : []), 'src/cli/main.ts', ...args],
      { timeout: options.timeoutMs ?? 240_000, env: { ...process.env, ...options.env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

export interface ScratchDir {
  dir: string;
  /** Writes `data` (JSON unless it is already text or bytes) to `name` in the folder; returns the path. */
  file(name: string, data: unknown): string;
}

/** A temporary folder for one test file, removed when the file's tests end. */
export function scratchDir(prefix: string): ScratchDir {
  const dir = mkdtempSync(join(tmpdir(), `focal-lab-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    file(name, data) {
      const path = join(dir, name);
      writeFileSync(
        path,
        typeof data === 'string' || data instanceof Uint8Array ? data : JSON.stringify(data),
      );
      return path;
    },
  };
}
