/**
 * The trainer on the fused wasm engine, in this process: it trains (finite records, TF.js's tensor
 * count flat), and a checkpoint moves between it and the TF.js engine in both directions, the next
 * step then agreeing with the engine the checkpoint came from.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../src/cli/backend-node';
import { experimentCoreSchema } from '../../../src/core/experiment/schema';
import { createTrainer } from '../../../src/core/train/trainer';
import type { MetricRecord } from '../../../src/core/records/types';
import '../setup-zoo';

const config = experimentCoreSchema.parse({
  task: 'meadow',
  model: { size: 'small' },
  method: { method: 'focal' },
  sampling: { groupSize: 4, promptsPerStep: 2 },
  eval: { samples: 4 },
});
const KEYS = ['loss', 'kl', 'rubricScore', 'gradNorm', 'entropy'] as const;

/** The largest relative difference of two records over KEYS. */
function apart(a: MetricRecord, b: MetricRecord): number {
  return Math.max(...KEYS.map((k) => Math.abs(a[k] - b[k]) / Math.max(Math.abs(b[k]), 1e-3)));
}

describe('the trainer on the fused wasm engine', () => {
  beforeAll(() => useBackend('cpu'));

  it('trains, and swaps checkpoints with the TF.js engine', async () => {
    const fused = await createTrainer(config, 1, { engine: 'wasm-fused' });
    expect(fused.engine).toBe('wasm-fused');
    await fused.step();
    const tensors = tf.memory().numTensors;
    let last: MetricRecord | null = null;
    for (let i = 0; i < 10; i++) last = await fused.step();
    for (const k of KEYS) expect(Number.isFinite(last![k]), k).toBe(true);
    expect(tf.memory().numTensors).toBe(tensors);

    const tfjs = await createTrainer(config, 1, { engine: 'tfjs' });
    await tfjs.restore(await fused.checkpoint());
    expect(apart(await fused.step(), await tfjs.step())).toBeLessThan(1e-3);
    const fused2 = await createTrainer(config, 1, { engine: 'wasm-fused' });
    await fused2.restore(await tfjs.checkpoint());
    expect(apart(await fused2.step(), await tfjs.step())).toBeLessThan(1e-3);
    for (const t of [fused, fused2, tfjs]) t.dispose();
  }, 300_000);
});
