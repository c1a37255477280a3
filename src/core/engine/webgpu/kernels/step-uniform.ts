/**
 * The scalars of one update pass, in one uniform buffer written once per pass: the loss's
 * coefficients (head-loss.ts), the pass's slot in the statistics (grad-norm.ts) and Adam's step
 * (adam.ts). Everything else a kernel reads is fixed by the model's shape and the batch's shape,
 * and lives in uniforms written once when the plan is built.
 */
export const STEP_FIELDS = [
  ['temperature', 'f32'],
  ['epsClip', 'f32'],
  ['betaKL', 'f32'],
  ['entCoef', 'f32'],
  ['invValid', 'f32'],
  ['firstPass', 'u32'],
  ['passIndex', 'u32'],
  ['stepSize', 'f32'],
  ['invSqrtBc2', 'f32'],
  ['beta1', 'f32'],
  ['beta2', 'f32'],
  ['adamEps', 'f32'],
  ['maxNorm', 'f32'],
] as const;

export type StepScalars = Record<(typeof STEP_FIELDS)[number][0], number>;

export const STEP_STRUCT = `struct Step { ${STEP_FIELDS.map(([n, t]) => `${n}: ${t}`).join(', ')} }`;

/** Bytes of the step uniform (a multiple of 16, as uniform buffers want). */
export const STEP_BYTES = Math.ceil((STEP_FIELDS.length * 4) / 16) * 16;

export function packStep(s: StepScalars): ArrayBuffer {
  const buf = new ArrayBuffer(STEP_BYTES);
  const f = new Float32Array(buf);
  const u = new Uint32Array(buf);
  STEP_FIELDS.forEach(([name, type], i) => {
    if (type === 'u32') u[i] = s[name];
    else f[i] = s[name];
  });
  return buf;
}

/** Statistics slots per pass in the stats buffer: clip-loss sum, clipped count, KL sum, entropy sum, gradient norm. */
export const STATS_PER_PASS = 8;
