/**
 * The one parameter table both engines read, and the arena layout the fused kernels rely on:
 * checked without a GPU.
 */
import { describe, expect, it } from 'vitest';
import { POLICY_SIZES, parameterTable, type PolicySize } from '../../../src/core/policy/param-table';
import { parameterCount } from '../../../src/core/policy/model';
import { arenaLayout } from '../../../src/core/engine/webgpu/layout';
import { weightProblems } from '../../../src/core/engine/arena-state';
import {
  STEP_BYTES,
  STEP_FIELDS,
  packStep,
  type StepScalars,
} from '../../../src/core/engine/webgpu/kernels/step-uniform';

const sizes = Object.keys(POLICY_SIZES) as PolicySize[];

describe('parameter table', () => {
  it('lays the tensors out back to back and counts what docs/performance.md says', () => {
    const expected: Record<PolicySize, number> = { small: 15_296, medium: 105_152, large: 343_296 };
    for (const size of sizes) {
      const table = parameterTable({ size, vocabSize: 64, maxLen: 15 });
      let next = 0;
      for (const e of table.entries) {
        expect(e.offset).toBe(next);
        expect(e.size).toBe(e.shape.reduce((a, b) => a * b, 1));
        next += e.size;
      }
      expect(table.total).toBe(next);
      expect(table.total).toBe(expected[size]);
      expect(parameterCount({ size, vocabSize: 64, maxLen: 15 })).toBe(expected[size]);
    }
  });

  it('puts every bias right after its weight, and q, k, v one [d + 1, d] block apart', () => {
    for (const size of sizes) {
      const config = { size, vocabSize: 23, maxLen: 12 };
      const table = parameterTable(config);
      const a = arenaLayout(config);
      const d = POLICY_SIZES[size].dModel;
      expect(a.qkvStride).toBe((d + 1) * d);
      expect(a.layers).toHaveLength(POLICY_SIZES[size].nLayers);
      a.layers.forEach((l, i) => {
        expect(l.wq).toBe(table.byName.get(`h${i}.attn.wq`)!.offset);
        expect(table.byName.get(`h${i}.attn.bq`)!.offset).toBe(l.wq + d * d);
        expect(table.byName.get(`h${i}.attn.wv`)!.offset).toBe(l.wq + 2 * a.qkvStride);
        expect(table.byName.get(`h${i}.mlp.b2`)!.offset).toBe(l.w2 + POLICY_SIZES[size].dMlp * d);
      });
      expect(a.total).toBe(table.total);
    }
  });

  it('names every missing or misshapen tensor of a weight set', () => {
    const table = parameterTable({ size: 'small', vocabSize: 23, maxLen: 12 });
    const weights = table.entries.map((e) => ({
      name: e.name,
      shape: e.shape,
      values: new Float32Array(e.size),
    }));
    expect(weightProblems(table, weights)).toEqual([]);
    const broken = weights
      .filter((w) => w.name !== 'lnf.b')
      .map((w) => (w.name === 'wte' ? { ...w, shape: [22, 32] } : w));
    expect(weightProblems(table, broken)).toEqual([
      'wte: shape [22,32] but the policy has [23,32]',
      'lnf.b: missing',
    ]);
  });
});

describe('step uniform', () => {
  it('packs each field at its index, u32 or f32 as the WGSL struct declares', () => {
    const values = Object.fromEntries(STEP_FIELDS.map(([name], i) => [name, i + 0.5])) as StepScalars;
    values.firstPass = 1;
    values.passIndex = 3;
    const buf = packStep(values);
    expect(buf.byteLength).toBe(STEP_BYTES);
    expect(STEP_BYTES % 16).toBe(0);
    const f = new Float32Array(buf);
    const u = new Uint32Array(buf);
    STEP_FIELDS.forEach(([name, type], i) => {
      if (type === 'u32') expect(u[i]).toBe(values[name]);
      else expect(f[i]).toBe(values[name]);
    });
  });
});
