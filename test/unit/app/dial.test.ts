/**
 * The Dial tab's model (src/app/model/dial.ts) on a hand-written results file: which gains the
 * plot and the table take for a dial, size, metric and baselines; focal's traces; and the loader,
 * which names what was wrong with a missing, packed, broken or invalid file.
 */
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseDialResults, type DialResults } from '../../../src/core/dial/results';
import {
  baselinesOf,
  candidateOf,
  centreIndex,
  defaultBaselines,
  dialChart,
  dialRows,
  focalTraces,
  loadDialResults,
  pointExperiment,
  pointOf,
  sizeOf,
  valueText,
  type DialSelection,
} from '../../../src/app/model/dial';
import { paperLink } from '../../../src/app/model/paper';
import { dialFixture, fixtureGain, FIXTURE_CRITERIA } from '../../fixtures/dial-results';

function fixture(): DialResults {
  const parsed = parseDialResults(JSON.parse(JSON.stringify(dialFixture())));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

const base: DialSelection = {
  dial: 'baseRate',
  size: 'small',
  metric: 'rubric',
  baselines: ['static', 'sa-mrpo'],
  candidate: 'focal',
};

describe('the dial chart and table', () => {
  const results = fixture();

  it('finds focal as the candidate and the baselines in the order of the arms', () => {
    expect(candidateOf(results)).toBe('focal');
    expect(baselinesOf(results, 'focal')).toEqual([
      'static',
      'gdpo',
      'sa-mrpo',
      'tuned-static',
      'focal-no-ema',
    ]);
    // Focal's ablation is focal too: not shown at first.
    expect(defaultBaselines(results, 'focal')).toEqual(['static', 'gdpo', 'sa-mrpo', 'tuned-static']);
    expect(baselinesOf(results, 'gdpo')).toEqual([]);
  });

  it("takes, per chosen baseline, the gain at each of the dial's points in the dial's order", () => {
    const chart = dialChart(results, base);
    expect(chart.values).toEqual(['2%', '5%', '20%']);
    expect(chart.series.map((s) => s.baseline)).toEqual(['static', 'sa-mrpo']);
    // Points in the file: centre 0, br-02 1, br-20 2; sa-mrpo is the third baseline (index 2); rubric metric 0.
    expect(chart.series[1].gains).toEqual([fixtureGain(1, 2, 0), fixtureGain(0, 2, 0), fixtureGain(2, 2, 0)]);
    const conflict = dialChart(results, { ...base, dial: 'conflict', metric: 'auc', baselines: ['gdpo'] });
    expect(conflict.values).toEqual(['none', 'mild', 'strong']);
    expect(conflict.series[0].gains).toEqual([
      fixtureGain(0, 1, 4),
      fixtureGain(3, 1, 4),
      fixtureGain(4, 1, 4),
    ]);
  });

  it('leaves a gap where the file has no gain, and draws nothing for a dial it lacks', () => {
    const chart = dialChart(results, { ...base, size: 'medium' });
    expect(chart.series[0].gains).toEqual([null, null, null]);
    expect(dialChart(results, { ...base, dial: 'criteria' })).toEqual({
      values: [],
      series: [
        { baseline: 'static', label: 'static', gains: [] },
        { baseline: 'sa-mrpo', label: 'sa-mrpo', gains: [] },
      ],
    });
  });

  it('prints one row per value and baseline with the interval, d_z, Holm p and verdict', () => {
    const rows = dialRows(results, { ...base, baselines: ['tuned-static'] });
    expect(rows).toHaveLength(3);
    const g = fixtureGain(1, 3, 0);
    expect(rows[0]).toEqual({
      value: '2%',
      point: 'br-02',
      baseline: 'static, lagging weight tuned',
      gain: `+${g.mean.toFixed(3)}`,
      interval: `[${g.low >= 0 ? '+' : ''}${g.low.toFixed(3)}, +${g.high.toFixed(3)}]`,
      dz: '1.15',
      pHolm: '1.000',
      verdict: g.low > 0 ? 'win' : 'undecided',
      n: 3,
    });
    const missing = dialRows(results, { ...base, size: 'medium', baselines: ['static'] });
    expect(missing.map((r) => [r.gain, r.interval, r.verdict])).toEqual([
      ['—', '—', null],
      ['—', '—', null],
      ['—', '—', null],
    ]);
  });

  it("finds the centre among a dial's values", () => {
    expect(centreIndex(results, 'baseRate')).toBe(1);
    expect(centreIndex(results, 'conflict')).toBe(0);
    expect(centreIndex(results, 'criteria')).toBe(0);
  });

  it('prints a gain that rounds to zero as +0.000, whatever its sign', () => {
    const tiny = fixture();
    const gain = sizeOf(pointOf(tiny, 'br-02'), 'small')!.gains.find(
      (g) => g.metric === 'rubric' && g.baseline === 'static',
    )!;
    gain.mean = -5.551115123125783e-17;
    gain.low = -0.0004;
    expect(dialRows(tiny, { ...base, baselines: ['static'] })[0]).toMatchObject({
      gain: '+0.000',
      interval: `[+0.000, +${gain.high!.toFixed(3)}]`,
    });
  });

  it('prints rates as percent and conflict and counts as they are', () => {
    expect(valueText('baseRate', 0.05)).toBe('5%');
    expect(valueText('weightShare', 0.125)).toBe('12.5%');
    expect(valueText('conflict', 'mild')).toBe('mild');
    expect(valueText('criteria', 8)).toBe('8');
  });

  it("gives focal's weight and saturation per criterion where the file has them, null where not", () => {
    const centre = pointOf(results, 'centre')!;
    const traces = focalTraces(centre, sizeOf(centre, 'small'), 'focal')!;
    expect(traces.weight.map((c) => c.method)).toEqual(FIXTURE_CRITERIA);
    expect(traces.weight[1]).toEqual({
      method: FIXTURE_CRITERIA[1],
      steps: [0, 5, 10, 15, 20],
      mean: [0.2, 0.4, 0.55, 0.6, 0.65],
      std: [0, 0, 0, 0, 0],
    });
    expect(traces.saturation[0].mean[0]).toBe(0.6);
    expect(focalTraces(centre, sizeOf(centre, 'small'), 'static')).toBeNull();
    const other = pointOf(results, 'br-02')!;
    expect(focalTraces(other, sizeOf(other, 'small'), 'focal')).toBeNull();
  });

  it("gives the point's experiment as a copy, its rubric and arms intact", () => {
    const size = sizeOf(pointOf(results, 'conflict-strong'), 'small')!;
    const experiment = pointExperiment(size);
    expect(experiment).not.toBe(size.experiment);
    expect(experiment.rubric?.criteria.map((c) => c.name)).toEqual(FIXTURE_CRITERIA);
    expect(experiment.variants.map((v) => v.name)).toEqual([
      'static',
      'gdpo',
      'sa-mrpo',
      'tuned-static',
      'focal-no-ema',
      'focal',
    ]);
  });
});

describe('loading the shipped dial results', () => {
  afterEach(() => vi.unstubAllGlobals());
  const serve = (body: BodyInit | null, status = 200) =>
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: URL) => {
        expect(url.href).toBe('http://example.test/app/paper/dial.json');
        return new Response(body, { status });
      }),
    );
  const BASE = 'http://example.test/app/index.html';
  const text = JSON.stringify(dialFixture());

  it('reads the file plain or gzipped', async () => {
    serve(text);
    const plain = await loadDialResults(BASE);
    expect(plain.ok && plain.value.points.length).toBe(5);
    serve(new Uint8Array(gzipSync(text)));
    const packed = await loadDialResults(BASE);
    expect(packed.ok && packed.value.points.map((p) => p.id)).toEqual(
      plain.ok && plain.value.points.map((p) => p.id),
    );
  });

  it('says the file is missing, is not JSON, or is not valid, naming the field', async () => {
    serve(null, 404);
    const missing = await loadDialResults(BASE);
    expect(!missing.ok && missing.problems[0].message).toMatch(/^paper\/dial\.json: not found \(HTTP 404\)/);
    vi.stubGlobal(
      'fetch',
      async () => new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } }),
    );
    const page = await loadDialResults(BASE);
    expect(!page.ok && page.problems[0].message).toMatch(
      /^paper\/dial\.json: not found: the server answered with a web page/,
    );
    serve('{"format": ');
    const broken = await loadDialResults(BASE);
    expect(!broken.ok && broken.problems[0].message).toMatch(/^paper\/dial\.json: not JSON/);
    const bad = dialFixture() as { points: { sizes: { gains: { low: unknown }[] }[] }[] };
    bad.points[1].sizes[0].gains[2].low = 'wide';
    serve(JSON.stringify(bad));
    const invalid = await loadDialResults(BASE);
    expect(invalid.ok).toBe(false);
    if (!invalid.ok)
      expect(invalid.problems.map((p) => p.path)).toContain('paper/dial.json: points.1.sizes.0.gains.2.low');
  });
});

describe('the paper view links', () => {
  it('opens the grid, a cell or the dial, and nothing else', () => {
    expect(paperLink('#paper')).toBe('grid');
    expect(paperLink('#paper/dial')).toBe('dial');
    expect(paperLink('#paper/kitchen/small')).toEqual({ task: 'kitchen', size: 'small' });
    expect(paperLink('#paper/dial/x')).toEqual({ task: 'dial', size: 'x' });
    expect(paperLink('#paper/')).toBeNull();
    expect(paperLink('#x=abc')).toBeNull();
  });
});
