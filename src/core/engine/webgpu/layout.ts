/**
 * Where each tensor the kernels read sits in the parameter arena, from the one parameter table
 * (policy/param-table.ts), with the adjacency the fused kernels rely on checked once: every bias
 * directly after its weight, and q, k, v one [d + 1, d] block apart.
 */
import { POLICY_SIZES, parameterTable, type PolicyConfig } from '../../policy/param-table';

export interface LayerLayout {
  ln1g: number;
  ln1b: number;
  /** Start of [wq; bq], then [wk; bk] and [wv; bv] at qkvStride apart. */
  wq: number;
  wo: number;
  ln2g: number;
  ln2b: number;
  w1: number;
  w2: number;
}

export interface ArenaLayout {
  D: number;
  H: number;
  F: number;
  V: number;
  L: number;
  maxLen: number;
  total: number;
  wte: number;
  wpe: number;
  lnfg: number;
  lnfb: number;
  /** (d + 1) * d: from one of q, k, v's augmented weight to the next. */
  qkvStride: number;
  layers: LayerLayout[];
}

export function arenaLayout(config: PolicyConfig): ArenaLayout {
  const table = parameterTable(config);
  const dims = POLICY_SIZES[config.size];
  const D = dims.dModel;
  const at = (name: string): number => {
    const e = table.byName.get(name);
    if (!e) throw new Error(`arenaLayout: no parameter ${name}`);
    return e.offset;
  };
  const adjacent = (w: string, b: string): number => {
    const we = table.byName.get(w)!;
    if (at(b) !== we.offset + we.size) throw new Error(`arenaLayout: ${b} does not follow ${w}`);
    return we.offset;
  };
  const qkvStride = (D + 1) * D;
  const layers: LayerLayout[] = [];
  for (let l = 0; l < dims.nLayers; l++) {
    const p = `h${l}`;
    const wq = adjacent(`${p}.attn.wq`, `${p}.attn.bq`);
    if (adjacent(`${p}.attn.wk`, `${p}.attn.bk`) !== wq + qkvStride)
      throw new Error('arenaLayout: wk is not one block after wq');
    if (adjacent(`${p}.attn.wv`, `${p}.attn.bv`) !== wq + 2 * qkvStride)
      throw new Error('arenaLayout: wv is not one block after wk');
    layers.push({
      ln1g: at(`${p}.ln1.g`),
      ln1b: at(`${p}.ln1.b`),
      wq,
      wo: adjacent(`${p}.attn.wo`, `${p}.attn.bo`),
      ln2g: at(`${p}.ln2.g`),
      ln2b: at(`${p}.ln2.b`),
      w1: adjacent(`${p}.mlp.w1`, `${p}.mlp.b1`),
      w2: adjacent(`${p}.mlp.w2`, `${p}.mlp.b2`),
    });
  }
  return {
    D,
    H: dims.nHeads,
    F: dims.dMlp,
    V: config.vocabSize,
    L: dims.nLayers,
    maxLen: config.maxLen,
    total: table.total,
    wte: at('wte'),
    wpe: at('wpe'),
    lnfg: at('lnf.g'),
    lnfb: at('lnf.b'),
    qkvStride,
    layers,
  };
}
