import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../src/cli/backend-node';
import {
  POLICY_SIZES,
  clonePolicy,
  createPolicy,
  disposePolicy,
  getWeights,
  parameterCount,
  samplePolicy,
  setWeights,
  type Policy,
} from '../../../src/core/policy';
import { EOS, PAD } from '../../../src/core/policy/tokens';
import { Rng } from '../../../src/core/random/rng';
import { MAX_NEW, P, V, prompts, tinyPolicy } from './helpers';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('policy weights', () => {
  const made: Policy[] = [];
  const keep = (p: Policy): Policy => (made.push(p), p);
  afterAll(() => made.forEach(disposePolicy));

  it('same seed gives identical weights, another seed different ones', async () => {
    const a = await getWeights(keep(tinyPolicy(1)));
    const b = await getWeights(keep(tinyPolicy(1)));
    const c = await getWeights(keep(tinyPolicy(2)));
    expect(a.map((w) => w.name)).toEqual(b.map((w) => w.name));
    a.forEach((w, i) => expect(w.values).toEqual(b[i].values));
    expect(a.find((w) => w.name === 'wte')!.values).not.toEqual(c.find((w) => w.name === 'wte')!.values);
  });

  it('parameterCount matches the variables, for every size', () => {
    for (const size of Object.keys(POLICY_SIZES) as (keyof typeof POLICY_SIZES)[]) {
      const config = { size, vocabSize: 64, maxLen: 15 };
      const p = createPolicy(config, new Rng(0));
      expect(p.params.reduce((s, q) => s + q.variable.size, 0)).toBe(parameterCount(config));
      disposePolicy(p);
    }
  });

  it('setWeights and clonePolicy copy exactly; the clone is independent', async () => {
    const a = keep(tinyPolicy(3));
    const b = keep(tinyPolicy(4));
    setWeights(b, await getWeights(a));
    const wa = await getWeights(a);
    (await getWeights(b)).forEach((w, i) => expect(w.values).toEqual(wa[i].values));
    const c = keep(clonePolicy(a));
    (await getWeights(c)).forEach((w, i) => expect(w.values).toEqual(wa[i].values));
    tf.tidy(() => a.params[0].variable.assign(tf.zerosLike(a.params[0].variable)));
    expect((await getWeights(c))[0].values).toEqual(wa[0].values);
  });

  it('setWeights rejects missing and misshapen weights, naming them', async () => {
    const a = keep(tinyPolicy(5));
    const w = await getWeights(a);
    expect(() => setWeights(a, w.slice(1))).toThrow(/wte: missing/);
    const bad = w.map((x) => (x.name === 'wpe' ? { ...x, shape: [1, x.values.length] } : x));
    expect(() => setWeights(a, bad)).toThrow(/wpe: shape/);
  });
});

describe('samplePolicy', () => {
  it('same seeds give identical rollouts', async () => {
    const a = tinyPolicy(7);
    const b = tinyPolicy(7);
    const ra = await samplePolicy(a, prompts(3), 3, P, 4, MAX_NEW, 1, new Rng(9));
    const rb = await samplePolicy(b, prompts(3), 3, P, 4, MAX_NEW, 1, new Rng(9));
    expect(ra.tokens).toEqual(rb.tokens);
    expect(ra.lengths).toEqual(rb.lengths);
    [a, b].forEach(disposePolicy);
  });

  it('keeps the prompt, emits only words or <eos>, pads after <eos>, and reports lengths', async () => {
    const p = tinyPolicy(8);
    const B = 4;
    const G = 16;
    const r = await samplePolicy(p, prompts(B), B, P, G, MAX_NEW, 1.5, new Rng(10));
    expect(r.N).toBe(B * G);
    expect(r.T).toBe(P + MAX_NEW);
    const pr = prompts(B);
    let sawEos = 0;
    for (let n = 0; n < r.N; n++) {
      const row = r.tokens.subarray(n * r.T, (n + 1) * r.T);
      const b = Math.floor(n / G);
      expect(Array.from(row.subarray(0, P))).toEqual(Array.from(pr.subarray(b * P, b * P + P)));
      const len = r.lengths[n];
      expect(len).toBeGreaterThanOrEqual(1);
      expect(len).toBeLessThanOrEqual(MAX_NEW);
      for (let s = 0; s < MAX_NEW; s++) {
        const tok = row[P + s];
        if (s < len) {
          expect(tok).toBeGreaterThanOrEqual(EOS);
          expect(tok).toBeLessThan(V);
          if (s < len - 1) expect(tok).not.toBe(EOS);
          if (s === len - 1 && len < MAX_NEW) expect(tok).toBe(EOS);
        } else expect(tok).toBe(PAD);
      }
      if (row.includes(EOS)) sawEos++;
    }
    expect(sawEos).toBeGreaterThan(0); // near-uniform policy: <eos> is common
    disposePolicy(p);
  });

  it('the key/value cache agrees with the full forward pass (greedy decoding)', async () => {
    const p = tinyPolicy(11, 'medium');
    const r = await samplePolicy(p, prompts(3), 3, P, 2, MAX_NEW, 0, new Rng(0));
    const logits = tf.tidy(() => p.logits(tf.tensor2d(r.tokens, [r.N, r.T], 'int32')));
    const values = await logits.data();
    logits.dispose();
    for (let n = 0; n < r.N; n++) {
      for (let s = 0; s < r.lengths[n]; s++) {
        const pos = P - 1 + s;
        const row = values.subarray((n * r.T + pos) * V, (n * r.T + pos + 1) * V);
        let best = 0;
        for (let v = 1; v < V; v++) if (row[v] > row[best]) best = v;
        expect(r.tokens[n * r.T + P + s]).toBe(best);
      }
    }
    disposePolicy(p);
  });

  it('rejects inconsistent requests', async () => {
    const p = tinyPolicy(12);
    await expect(samplePolicy(p, prompts(2), 3, P, 2, MAX_NEW, 1, new Rng(0))).rejects.toThrow(/B\*P/);
    await expect(samplePolicy(p, prompts(2), 2, P, 2, MAX_NEW + 1, 1, new Rng(0))).rejects.toThrow(/maxLen/);
    disposePolicy(p);
  });
});
