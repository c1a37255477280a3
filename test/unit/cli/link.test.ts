/**
 * A share link reruns headless: `lab run` takes the app's whole URL where it takes a file, and
 * trains exactly the experiment the link carries (issue 10, item 6).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parseExperiment } from '../../../src/core/experiment/resolve';
import { encodeExperiment, hashFor } from '../../../src/core/share/codec';
import { lab, scratchDir } from '../lab-harness';

const { dir } = scratchDir('link');

it('lab run takes a share link and trains the experiment it carries', async () => {
  const parsed = parseExperiment({
    version: 1,
    name: 'linked',
    task: 'diary',
    model: { size: 'small' },
    sampling: { groupSize: 2, promptsPerStep: 2 },
    warmStart: { steps: 3, batchSize: 8, corpusSize: 64 },
    eval: { every: 0, samples: 1 },
    steps: 2,
    seeds: [5],
    variants: [{ name: 'static arm', overrides: { method: { method: 'static' } } }],
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const link = `http://127.0.0.1:5173/lab/${hashFor(await encodeExperiment(parsed.value))}`;
  const out = join(dir, 'results.json');
  const { code, stderr } = await lab(['run', link, '--backend', 'cpu', '--out', out]);
  expect(code, stderr).toBe(0);
  expect(stderr).toContain('linked / static arm: task diary, small policy, method static, seed 5');
  const results = JSON.parse(readFileSync(out, 'utf8')) as {
    experiment: unknown;
    results: { metrics: { step: number }[] }[];
  };
  expect(results.experiment).toEqual(parsed.value);
  expect(results.results[0].metrics.map((m) => m.step)).toEqual([1, 2]);
}, 240_000);
