import { describe, expect, it } from 'vitest';
import { csvField, evalsCsv, metricsCsv, type ExportedRun } from '../../../src/core/records/csv';
import { experimentCoreSchema } from '../../../src/core/experiment/schema';
import type { MetricRecord } from '../../../src/core/records/types';

const metric = (step: number, means: number[]): MetricRecord => ({
  step,
  criterionMeans: means,
  effectiveWeights: means.map(() => 1 / means.length),
  saturation: means,
  rubricScore: 0.5,
  worstScore: Math.min(...means),
  allPassRate: 0.25,
  kl: 0.01,
  entropy: NaN,
  loss: 0.1,
  clipFraction: 0,
  gradNorm: 1,
  advantageMean: 0,
  advantageStd: 1,
  zeroStdShare: 0,
  meanLength: 7,
  msSample: 1,
  msScore: 1,
  msUpdate: 1,
});

const run = (id: string, name: string, criterionNames: string[], metrics: MetricRecord[]): ExportedRun => ({
  spec: {
    id,
    name,
    seed: 3,
    config: experimentCoreSchema.parse({ task: 'meadow', method: { method: 'static' } }),
  },
  criterionNames,
  metrics,
  evals: [
    {
      step: 10,
      criterionMeans: criterionNames.map(() => 0.5),
      rubricScore: 0.5,
      worstScore: 0.5,
      allPassRate: 0.1,
      spread: 0,
      samples: 8,
    },
  ],
});

describe('CSV export', () => {
  it('quotes fields with commas, quotes, newlines and edge spaces', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField(null)).toBe('');
    expect(csvField(NaN)).toBe('NaN');
    expect(csvField(0.25)).toBe('0.25');
  });

  it('writes one row per run and step, with per-criterion columns by name', () => {
    const csv = metricsCsv([
      run('r1', 'static', ['Topic', 'Rhyme, hard'], [metric(1, [0.9, 0.1]), metric(2, [1, 0.2])]),
      run('r2', 'focal', ['Topic'], [metric(1, [0.8])]),
    ]);
    const lines = csv.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    const header = lines[0].split(',');
    expect(header.slice(0, 6)).toEqual(['run', 'name', 'method', 'seed', 'task', 'step']);
    expect(lines[0]).toContain('score:Topic,"score:Rhyme, hard"');
    const scoreTopic = header.indexOf('score:Topic');
    // The quoted header splits into two cells; the data rows do not contain commas in fields.
    const row = lines[1].split(',');
    expect(row.slice(0, 6)).toEqual(['r1', 'static', 'static', '3', 'meadow', '1']);
    expect(row[scoreTopic]).toBe('0.9');
    expect(row).toContain('NaN');
    // A run without the second criterion leaves its cells empty.
    expect(lines[3].endsWith(',')).toBe(true);
  });

  it('writes evaluations', () => {
    const csv = evalsCsv([run('r1', 'static', ['Topic'], [])]);
    expect(csv).toBe(
      'run,name,method,seed,task,step,rubricScore,worstScore,allPassRate,spread,samples,score:Topic\n' +
        'r1,static,static,3,meadow,10,0.5,0.5,0.1,0,8,0.5\n',
    );
  });
});
