/**
 * The parameter table: every trainable tensor of the policy with its logical name, shape, initial
 * distribution and offset in one flat array. Both engines read it: the TF.js engine makes one
 * variable per entry, the fused WebGPU engine keeps all of them in one storage buffer (and the
 * gradients and Adam's moments in three more of the same layout). Checkpoints name tensors by these
 * names, so either engine's checkpoint loads in the other.
 *
 * Every linear layer's weight [in, out] is followed at once by its bias [out]: together they are
 * one [in + 1, out] matrix, which the fused engine multiplies by its input with a column of ones
 * appended, so a bias costs no dispatch of its own, forward or backward.
 */
export type PolicySize = 'small' | 'medium' | 'large';

export interface PolicyDims {
  /** Residual width. */
  dModel: number;
  nLayers: number;
  nHeads: number;
  /** Hidden width of the MLP. */
  dMlp: number;
}

export const POLICY_SIZES: Readonly<Record<PolicySize, Readonly<PolicyDims>>> = {
  small: { dModel: 32, nLayers: 1, nHeads: 2, dMlp: 128 },
  medium: { dModel: 64, nLayers: 2, nHeads: 4, dMlp: 256 },
  large: { dModel: 96, nLayers: 3, nHeads: 4, dMlp: 384 },
};

export interface PolicyConfig {
  size: PolicySize;
  /** V: structural tokens (0..3) plus the task's words. */
  vocabSize: number;
  /** Longest sequence the positional embedding covers (P + maxNew must fit). */
  maxLen: number;
}

export interface ParamSpec {
  name: string;
  shape: number[];
  init: 'normal' | 'zeros' | 'ones';
  std?: number;
}

export interface ParamEntry extends ParamSpec {
  /** Index of the first value in the flat layout. */
  offset: number;
  /** Number of values. */
  size: number;
}

export interface ParamTable {
  entries: readonly ParamEntry[];
  /** Total number of values. */
  total: number;
  /** Entry by logical name. */
  byName: ReadonlyMap<string, ParamEntry>;
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The tensors of a policy in their fixed order (weights export, optimizer state, flat layout). */
export function paramSpecs(config: PolicyConfig): ParamSpec[] {
  const { dModel: d, nLayers, dMlp } = POLICY_SIZES[config.size];
  const std = 0.02;
  // GPT-2: residual projections scaled down with depth so the residual stream starts small.
  const residStd = std / Math.sqrt(2 * nLayers);
  const specs: ParamSpec[] = [
    { name: 'wte', shape: [config.vocabSize, d], init: 'normal', std },
    { name: 'wpe', shape: [config.maxLen, d], init: 'normal', std: std / 2 },
  ];
  for (let l = 0; l < nLayers; l++) {
    const p = `h${l}`;
    specs.push(
      { name: `${p}.ln1.g`, shape: [d], init: 'ones' },
      { name: `${p}.ln1.b`, shape: [d], init: 'zeros' },
      { name: `${p}.attn.wq`, shape: [d, d], init: 'normal', std },
      { name: `${p}.attn.bq`, shape: [d], init: 'zeros' },
      { name: `${p}.attn.wk`, shape: [d, d], init: 'normal', std },
      { name: `${p}.attn.bk`, shape: [d], init: 'zeros' },
      { name: `${p}.attn.wv`, shape: [d, d], init: 'normal', std },
      { name: `${p}.attn.bv`, shape: [d], init: 'zeros' },
      { name: `${p}.attn.wo`, shape: [d, d], init: 'normal', std: residStd },
      { name: `${p}.attn.bo`, shape: [d], init: 'zeros' },
      { name: `${p}.ln2.g`, shape: [d], init: 'ones' },
      { name: `${p}.ln2.b`, shape: [d], init: 'zeros' },
      { name: `${p}.mlp.w1`, shape: [d, dMlp], init: 'normal', std },
      { name: `${p}.mlp.b1`, shape: [dMlp], init: 'zeros' },
      { name: `${p}.mlp.w2`, shape: [dMlp, d], init: 'normal', std: residStd },
      { name: `${p}.mlp.b2`, shape: [d], init: 'zeros' },
    );
  }
  specs.push({ name: 'lnf.g', shape: [d], init: 'ones' }, { name: 'lnf.b', shape: [d], init: 'zeros' });
  return specs;
}

/** Offsets of every tensor in the flat layout, in {@link paramSpecs} order with no gaps. */
export function parameterTable(config: PolicyConfig): ParamTable {
  let offset = 0;
  const entries = paramSpecs(config).map((spec) => {
    const size = sizeOf(spec.shape);
    const entry: ParamEntry = { ...spec, offset, size };
    offset += size;
    return entry;
  });
  return { entries, total: offset, byName: new Map(entries.map((e) => [e.name, e])) };
}
