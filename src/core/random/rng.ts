/**
 * Seeded pseudo-random numbers: sfc32 (small, fast, passes PractRand) seeded through
 * splitmix32 from a 32-bit seed and a purpose name, so that one run seed gives independent,
 * reproducible streams per purpose. Plain JavaScript: identical in Node, workers and tests.
 */

/** The purposes a run draws randomness for; each gets its own stream. */
export type RandomPurpose = 'init' | 'prompts' | 'sampling' | 'judge' | 'corpus' | 'warmstart';

/** FNV-1a hash of a string, for mixing a purpose name into a seed. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `seed` is any integer; `stream` names an independent sequence under that seed. */
  constructor(seed: number, stream = '') {
    const mix = splitmix32((Math.trunc(seed) ^ hashString(stream)) >>> 0);
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller; one of the pair is discarded to keep the stream simple). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Standard Gumbel noise, for Gumbel-max sampling: argmax(logits/T + g) ~ softmax(logits/T). */
  gumbel(): number {
    const u = this.next();
    return -Math.log(-Math.log(u + 1e-20) + 1e-20);
  }

  /** Fill an array with Gumbel noise in one pass (one upload per step). */
  gumbelArray(length: number): Float32Array {
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++) out[i] = this.gumbel();
    return out;
  }

  /**
   * The raw 32-bit draws that {@link gumbelArray} of the same length would transform, leaving the
   * stream in the same state: the fused WebGPU engine uploads these and takes the two logarithms
   * on the GPU (the same noise up to float32 rounding, without ~60 ns a draw on the CPU).
   */
  uint32Array(length: number): Uint32Array {
    const out = new Uint32Array(length);
    // nextUint32's steps with the state in locals: the same draws, about twice as fast as a call
    // per draw (the fused samplers take ~50 k a step: 1.5 ms of JavaScript, a tenth of a small step).
    let { a, b, c, d } = this;
    for (let i = 0; i < length; i++) {
      const t = (((a + b) >>> 0) + d) >>> 0;
      d = (d + 1) >>> 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) >>> 0;
      c = ((c << 21) | (c >>> 11)) >>> 0;
      c = (c + t) >>> 0;
      out[i] = t;
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    return out;
  }

  /** Pick one element uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: empty list');
    return items[this.int(items.length)];
  }

  /** Fisher-Yates shuffle of a copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /** The generator's full state, for checkpoints. */
  getState(): [number, number, number, number] {
    return [this.a, this.b, this.c, this.d];
  }

  setState(state: readonly [number, number, number, number]): void {
    [this.a, this.b, this.c, this.d] = state.map((x) => x >>> 0) as [number, number, number, number];
  }
}

/** One independent stream per purpose, all fixed by one run seed. */
export type RandomStreams = Record<RandomPurpose, Rng>;

export function randomStreams(seed: number): RandomStreams {
  return {
    init: new Rng(seed, 'init'),
    prompts: new Rng(seed, 'prompts'),
    sampling: new Rng(seed, 'sampling'),
    judge: new Rng(seed, 'judge'),
    corpus: new Rng(seed, 'corpus'),
    warmstart: new Rng(seed, 'warmstart'),
  };
}
