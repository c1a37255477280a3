/**
 * Where trl and torch are installed (pip install -r requirements.txt of an export), the exported
 * smoke_test.py trains a tiny randomly initialised model for a few steps under TRL and checks the
 * per-reward metrics and that the weights TRL applied are the lab's. Skipped, with the reason,
 * where they are not (CI installs no large wheels).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportToTrl } from '../../../src/core/export/trl';
import { parseExperiment } from '../../../src/core/experiment/resolve';
import { pythonHas } from './python';

const HAS_TRL = pythonHas(['trl', 'torch', 'transformers', 'datasets', 'numpy']);
const dir = mkdtempSync(join(tmpdir(), 'focal-lab-trl-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!HAS_TRL)('TRL smoke run (skipped: trl and torch are not installed for python3)', () => {
  it.each(['focal', 'gdpo'])(
    'trains a tiny model for 3 steps under %s',
    (method) => {
      const parsed = parseExperiment({
        version: 1,
        task: 'meadow',
        method: { method },
        optim: { betaKL: 0.02 },
        sampling: { groupSize: 4, promptsPerStep: 2 },
      });
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
      const made = exportToTrl(parsed.value, { accept: ['kl-per-sequence'] });
      if (!made.ok) throw new Error(JSON.stringify(made.problems));
      const root = join(dir, method);
      for (const f of made.files) {
        mkdirSync(dirname(join(root, f.path)), { recursive: true });
        writeFileSync(join(root, f.path), f.text);
      }
      const out = execFileSync('python3', ['smoke_test.py', '--steps', '3'], { cwd: root, timeout: 600_000 });
      expect(out.toString()).toContain('smoke test passed');
    },
    600_000,
  );
});
