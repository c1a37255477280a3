/**
 * The zoo's checkpoint files: every parameter's values as IEEE float16, little-endian, concatenated
 * in the manifest's order. The layout (names and shapes) lives in the manifest, keyed by parameter
 * name, so a checkpoint loads into any policy with the same named parameters. float16 keeps about
 * three significant digits, ample for these weights (the manifest records the measured effect on
 * log-probabilities) and halves the download.
 */
import type { WeightArray } from '../policy';

export interface TensorLayout {
  name: string;
  shape: number[];
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 -> float16 bits, rounding to nearest even; overflow saturates to infinity. */
export function toHalf(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // inf, NaN
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // underflow to signed zero
    mant |= 0x800000; // subnormal half: shift the implicit bit in
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && half & 1) ? 1 : 0));
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++; // may carry into the exponent: correct
  e = half >>> 10;
  return sign | (e >= 0x1f ? 0x7c00 : half);
}

/** float16 bits -> number. */
export function fromHalf(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function encodeWeights(weights: readonly WeightArray[]): {
  bytes: Uint8Array;
  layout: TensorLayout[];
} {
  const total = weights.reduce((n, w) => n + w.values.length, 0);
  const bytes = new Uint8Array(total * 2);
  const view = new DataView(bytes.buffer);
  let offset = 0;
  for (const w of weights)
    for (let i = 0; i < w.values.length; i++, offset += 2) view.setUint16(offset, toHalf(w.values[i]), true);
  return { bytes, layout: weights.map((w) => ({ name: w.name, shape: [...w.shape] })) };
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function decodeWeights(bytes: Uint8Array, layout: readonly TensorLayout[]): WeightArray[] {
  const expected = 2 * layout.reduce((n, t) => n + sizeOf(t.shape), 0);
  if (bytes.length !== expected)
    throw new Error(`zoo checkpoint: ${bytes.length} bytes, but its layout needs ${expected}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  return layout.map((t) => {
    const values = new Float32Array(sizeOf(t.shape));
    for (let i = 0; i < values.length; i++, offset += 2) values[i] = fromHalf(view.getUint16(offset, true));
    return { name: t.name, shape: [...t.shape], values };
  });
}

/** Lower-case hex SHA-256 (Web Crypto: the same in Node, workers and tests). */
export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
