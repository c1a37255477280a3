import { describe, expect, it } from 'vitest';
import { RunLoop } from '../../../workers/run-loop';
import { DEFAULT_LOOP_OPTIONS, type RunBatch } from '../../../workers/protocol';
import { FakeTrainer } from './fakes';

function collect() {
  const batches: RunBatch[] = [];
  return { batches, sink: { batch: (b: RunBatch) => void batches.push(b) } };
}

async function until(condition: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

describe('RunLoop', () => {
  it('batches records, evaluates at the cadence and at the end, checkpoints every K steps', async () => {
    const trainer = new FakeTrainer(25);
    const { batches, sink } = collect();
    const loop = new RunLoop(trainer, sink, { ...DEFAULT_LOOP_OPTIONS, flushIntervalMs: 1e9 }, 10);
    await loop.begin();
    loop.start();
    await until(() => loop.state.status === 'done');
    const metrics = batches.flatMap((b) => b.metrics);
    expect(metrics.map((m) => m.step)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(batches.length).toBeLessThan(25); // batched, not one message per step
    expect(trainer.evaluations).toEqual([0, 10, 20, 25]);
    expect(trainer.checkpoints).toEqual([0, 10, 20, 25]);
    expect(batches.flatMap((b) => (b.checkpoint ? [b.checkpoint.step] : []))).toEqual([0, 10, 20, 25]);
    expect(batches.at(-1)?.status).toBe('done');
  });

  it('a non-finite step pauses with its message and keeps the last good checkpoint', async () => {
    const trainer = new FakeTrainer(50, 13);
    const { batches, sink } = collect();
    const loop = new RunLoop(trainer, sink, { ...DEFAULT_LOOP_OPTIONS, checkpointEvery: 5 }, 0);
    await loop.begin();
    loop.start();
    await until(() => loop.state.status === 'paused');
    expect(loop.state.reason).toMatch(/step 13: the loss is not finite/);
    expect(trainer.stepIndex).toBe(12);
    expect((await loop.checkpoint()).step).toBe(10);
    expect(batches.at(-1)?.status).toBe('paused');
  });

  it('pause stops stepping; single step takes exactly one; edits reach the next step', async () => {
    const trainer = new FakeTrainer(1_000_000);
    const { batches, sink } = collect();
    const loop = new RunLoop(trainer, sink, { ...DEFAULT_LOOP_OPTIONS }, 0);
    await loop.begin();
    loop.start();
    await until(() => trainer.stepIndex >= 3);
    await loop.pause();
    const at = trainer.stepIndex;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(trainer.stepIndex).toBe(at);
    expect(loop.edit({ criteria: [{ id: 'a', weight: 0.9 }] })).toEqual([]);
    expect(loop.edit({ criteria: [{ id: 'nope', weight: 1 }] })).toHaveLength(1);
    await loop.singleStep();
    expect(trainer.stepIndex).toBe(at + 1);
    expect(batches.flatMap((b) => b.metrics).at(-1)?.effectiveWeights).toEqual([0.9, 0.5]);
    await loop.stop();
    expect(batches.at(-1)?.status).toBe('stopped');
  });

  it('restoreFrom rewinds and tells the main thread to drop later records', async () => {
    const trainer = new FakeTrainer(100);
    const { batches, sink } = collect();
    const loop = new RunLoop(trainer, sink, { ...DEFAULT_LOOP_OPTIONS }, 0);
    await loop.begin();
    for (let i = 0; i < 4; i++) await loop.singleStep();
    await loop.restoreFrom({ step: 2, data: null });
    expect(trainer.stepIndex).toBe(2);
    expect(batches.at(-1)?.truncateAfter).toBe(2);
  });
});
