/**
 * Finding python3 with numpy for the export tests. CI installs Debian's python3 and python3-numpy
 * (.ci/run), so there a missing interpreter fails the tests with this message rather than skipping
 * them; FOCAL_SKIP_PYTHON=1 skips them on a machine without Python.
 */
import { execFileSync } from 'node:child_process';

export const SKIP_PYTHON = process.env.FOCAL_SKIP_PYTHON === '1';

/** Null when python3 and numpy are usable, else what is wrong. */
export function pythonProblem(): string | null {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'pipe' });
    return null;
  } catch (error) {
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim() || String(error);
    return (
      `python3 with numpy is needed for the TRL export parity tests (apt-get install -y python3 ` +
      `python3-numpy; or set FOCAL_SKIP_PYTHON=1 to skip them locally): ${detail.split('\n').pop()}`
    );
  }
}

/** Whether `modules` import in python3 (for tests that need optional packages such as trl). */
export function pythonHas(modules: readonly string[]): boolean {
  try {
    execFileSync('python3', ['-c', modules.map((m) => `import ${m}`).join('; ')], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}
