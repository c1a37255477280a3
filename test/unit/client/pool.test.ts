import { describe, expect, it } from 'vitest';
import { RunPool } from '../../../src/client/pool';
import type { RunView } from '../../../src/core/records/run';
import { fakeFactory, metric, spec } from './fakes';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('RunPool', () => {
  it('never runs more workers than the cap and queues the rest in order', async () => {
    const { factory, workers } = fakeFactory();
    const pool = new RunPool({ maxWorkers: 2, factory });
    for (const id of ['a', 'b', 'c', 'd']) pool.add(spec(id));
    await tick();
    expect(workers.map((w) => w.spec?.id)).toEqual(['a', 'b']);
    expect(pool.liveWorkers).toBe(2);
    expect(pool.view('c')?.status).toBe('queued');
    expect(pool.view('c')?.reason).toMatch(/waiting for a free worker/);

    workers[0].send({ status: 'done' }); // a finishes: its worker is freed after a final snapshot
    await tick();
    expect(workers[0].terminated).toBe(true);
    expect(workers.map((w) => w.spec?.id)).toEqual(['a', 'b', 'c']);
    expect(pool.liveWorkers).toBe(2);
    expect(pool.view('d')?.status).toBe('queued');

    pool.stop('b');
    await tick();
    expect(workers[1].terminated).toBe(true);
    expect(pool.view('b')?.status).toBe('stopped');
    expect(workers.map((w) => w.spec?.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(pool.liveWorkers).toBe(2);
  });

  it('raising the cap starts queued runs; stopping a queued run never starts it', async () => {
    const { factory, workers } = fakeFactory();
    const pool = new RunPool({ maxWorkers: 1, factory });
    pool.add(spec('a'));
    pool.add(spec('b'));
    pool.add(spec('c'));
    pool.stop('b');
    expect(pool.view('b')?.status).toBe('stopped');
    pool.setMaxWorkers(3);
    await tick();
    expect(workers.map((w) => w.spec?.id)).toEqual(['a', 'c']);
  });

  it('appends batched records and replaces views (new identity) on change', async () => {
    const { factory, workers } = fakeFactory();
    const pool = new RunPool({ maxWorkers: 2, factory });
    const seen: RunView[][] = [];
    pool.subscribe((views) => seen.push(views));
    pool.add(spec('a'));
    pool.add(spec('b'));
    await tick();
    const before = pool.view('b');
    workers[0].send({
      status: 'running',
      backend: { name: 'cpu', fallbacks: [] },
      metrics: [metric(1), metric(2)],
      checkpoint: { step: 2, data: null },
    });
    await tick();
    const a = pool.view('a')!;
    expect(a.status).toBe('running');
    expect(a.metrics.map((m) => m.step)).toEqual([1, 2]);
    expect(a.checkpointStep).toBe(2);
    expect(a.backend?.name).toBe('cpu');
    expect(pool.view('b')).toBe(before); // untouched run keeps its identity
    expect(seen.at(-1)!.find((v) => v.spec.id === 'a')).toBe(a);
  });

  it('a crashed worker fails only its run, keeps metrics and checkpoint, and resume restarts from it', async () => {
    const { factory, workers } = fakeFactory();
    const pool = new RunPool({ maxWorkers: 2, factory });
    pool.add(spec('a'));
    pool.add(spec('b'));
    await tick();
    workers[0].send({ status: 'running', metrics: [metric(1), metric(2), metric(3)] });
    workers[0].send({ checkpoint: { step: 2, data: 'cp2' } });
    workers[1].send({ status: 'running', metrics: [metric(1)] });
    workers[0].crash('worker crashed: boom');
    await tick();
    expect(pool.view('a')?.status).toBe('failed');
    expect(pool.view('a')?.reason).toBe('worker crashed: boom');
    expect(pool.view('a')?.metrics).toHaveLength(3);
    expect(pool.checkpointOf('a')?.data).toBe('cp2');
    expect(workers[0].terminated).toBe(true);
    expect(pool.view('b')?.status).toBe('running');
    expect(workers[1].terminated).toBe(false);

    // Late messages from the dead worker are ignored.
    workers[0].send({ metrics: [metric(4)] });
    expect(pool.view('a')?.metrics).toHaveLength(3);

    pool.resume('a', 'wasm');
    await tick();
    const fresh = workers[2];
    expect(fresh.spec?.id).toBe('a');
    expect(fresh.spec?.backend).toBe('wasm');
    expect(fresh.options?.checkpoint?.data).toBe('cp2');
    expect(fresh.options?.autoStart).toBe(true);
    expect(pool.view('a')?.metrics.map((m) => m.step)).toEqual([1, 2]); // records after the checkpoint dropped
  });

  it('a worker-reported failure (lost device) is per run, and the slot goes to the queue', async () => {
    const { factory, workers } = fakeFactory();
    const pool = new RunPool({ maxWorkers: 1, factory });
    pool.add(spec('a'));
    pool.add(spec('b'));
    await tick();
    workers[0].send({ status: 'failed', reason: 'GPU device lost' });
    await tick();
    expect(pool.view('a')?.status).toBe('failed');
    expect(pool.view('a')?.reason).toBe('GPU device lost');
    expect(workers[1].spec?.id).toBe('b');
  });

  it('drops results of superseded snapshot requests', async () => {
    const { factory, workers } = fakeFactory();
    const pool = new RunPool({ maxWorkers: 1, factory });
    pool.add(spec('a'));
    await tick();
    const resolvers: ((v: { step: number; groups: []; weights: [] }) => void)[] = [];
    workers[0].snapshot = () => new Promise((resolve) => resolvers.push(resolve));
    const first = pool.snapshot('a');
    const second = pool.snapshot('a');
    resolvers[1]({ step: 2, groups: [], weights: [] });
    resolvers[0]({ step: 1, groups: [], weights: [] });
    expect(await first).toBeNull();
    expect((await second)?.step).toBe(2);
  });

  it('a snapshot asked for as a run finishes gets its final snapshot, not a call on a terminated worker', async () => {
    const { factory, workers } = fakeFactory();
    const pool = new RunPool({ maxWorkers: 1, factory });
    pool.add(spec('a'));
    await tick();
    let release: (v: { step: number; groups: []; weights: [] }) => void = () => undefined;
    // The final snapshot is slow; any call after it (on a terminated worker) would never answer.
    workers[0].snapshot = () => {
      workers[0].snapshot = () => new Promise(() => undefined);
      return new Promise((resolve) => (release = resolve));
    };
    workers[0].send({ status: 'done' });
    await tick();
    const asked = pool.snapshot('a');
    release({ step: 7, groups: [], weights: [] });
    expect((await asked)?.step).toBe(7);
    expect(workers[0].terminated).toBe(true);
  });

  it('start while queued becomes autoStart; pause while queued clears it; edits replay on resume', async () => {
    const { factory, workers } = fakeFactory();
    const pool = new RunPool({ maxWorkers: 1, factory });
    pool.add(spec('a'), { autoStart: false });
    pool.add(spec('b'), { autoStart: false });
    pool.start('b');
    await tick();
    expect(workers[0].options?.autoStart).toBe(false);
    expect(await pool.edit('a', { criteria: [{ id: 'x', weight: 2 }] })).toEqual([]);
    workers[0].crash('gone');
    await tick();
    expect(workers[1].spec?.id).toBe('b');
    expect(workers[1].options?.autoStart).toBe(true);
    pool.remove('b');
    pool.resume('a');
    await tick();
    expect(workers[2].spec?.id).toBe('a');
    expect(workers[2].calls).toContain('edit');
    expect(await pool.edit('zzz', {})).toEqual([{ path: '', message: 'no run with id "zzz"' }]);
  });

  it('adopt registers a restored run without a worker, and resume continues it from its checkpoint', async () => {
    const { factory, workers } = fakeFactory();
    const pool = new RunPool({ maxWorkers: 1, factory });
    const restored: RunView = {
      spec: spec('r'),
      status: 'stopped',
      reason: 'interrupted by a page reload at step 13; its curves are kept',
      backend: { name: 'cpu', fallbacks: [] },
      criterionIds: ['a', 'b'],
      criterionNames: ['A', 'B'],
      metrics: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13].map((s) => metric(s)),
      evals: [],
      checkpointStep: null,
    };
    const seen: ReadonlySet<string>[] = [];
    pool.subscribe((_views, changed) => seen.push(changed));
    pool.adopt(restored, { step: 10, data: 'cp10' });
    await tick();
    expect(seen.at(-1)?.has('r')).toBe(true);
    expect(workers).toHaveLength(0); // adopting starts nothing
    expect(pool.liveWorkers).toBe(0);
    expect(pool.view('r')?.status).toBe('stopped');
    expect(pool.view('r')?.checkpointStep).toBe(10);
    expect(pool.checkpointOf('r')?.data).toBe('cp10');
    expect(() => pool.adopt(restored, null)).toThrow(/already exists/);

    pool.resume('r');
    await tick();
    expect(workers).toHaveLength(1);
    expect(workers[0].spec?.id).toBe('r');
    expect(workers[0].options?.checkpoint).toEqual({ step: 10, data: 'cp10' });
    expect(workers[0].options?.autoStart).toBe(true);
    expect(pool.view('r')?.status).toBe('starting');
    expect(pool.view('r')?.metrics.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    workers[0].send({ status: 'running', metrics: [metric(11), metric(12)] });
    await tick();
    expect(pool.view('r')?.metrics.at(-1)?.step).toBe(12);
    expect(pool.view('r')?.status).toBe('running');
  });

  it('adopt keeps a resumable status, makes a live one stopped, and a done run is not resumed', async () => {
    const { factory, workers } = fakeFactory();
    const pool = new RunPool({ maxWorkers: 2, factory });
    const make = (id: string, status: RunView['status']): RunView => ({
      spec: spec(id),
      status,
      reason: null,
      backend: null,
      criterionIds: [],
      criterionNames: [],
      metrics: [metric(1)],
      evals: [],
      checkpointStep: null,
    });
    pool.adopt(make('p', 'paused'), { step: 1, data: null });
    pool.adopt(make('q', 'running'), null);
    pool.adopt(make('d', 'done'), { step: 1, data: null });
    expect(pool.view('p')?.status).toBe('paused');
    expect(pool.view('q')?.status).toBe('stopped');
    expect(pool.view('q')?.checkpointStep).toBeNull();
    pool.resume('d');
    await tick();
    expect(workers).toHaveLength(0);
    expect(pool.view('d')?.status).toBe('done');

    pool.resume('q'); // no checkpoint: restarts from step 0
    await tick();
    expect(workers[0].options?.checkpoint).toBeUndefined();
    expect(pool.view('q')?.metrics).toEqual([]);
  });
});
