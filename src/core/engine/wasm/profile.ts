/**
 * Calls and milliseconds per exported kernel of the fused wasm engine, over every instance made in
 * this thread while profiling was on: for the benchmark's profile, as policy/kernel-count.ts is for
 * TF.js's kernels. Off (the default), instances get the bare exports and pay nothing.
 */

export interface WasmKernelTally {
  calls: Map<string, number>;
  ms: Map<string, number>;
  /** Of the dense product (mm) only: 2 M N K per call, its first three arguments. */
  flops: Map<string, number>;
}

let profiling = false;
const calls = new Map<string, number>();
const ms = new Map<string, number>();
const flops = new Map<string, number>();

/** Whether instances made from now on time their kernels. */
export function setWasmKernelProfiling(on: boolean): void {
  profiling = on;
}

export function wasmKernelTally(): WasmKernelTally {
  return { calls: new Map(calls), ms: new Map(ms), flops: new Map(flops) };
}

export function resetWasmKernelTally(): void {
  calls.clear();
  ms.clear();
  flops.clear();
}

type Fn = (...args: number[]) => unknown;

/** The exports as they are, or, while profiling is on, with every function timed per call. */
export function profiled<K extends object>(exports: K): K {
  if (!profiling) return exports;
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(exports)) {
    if (typeof value !== 'function') {
      wrapped[name] = value;
      continue;
    }
    const kernel = value as Fn;
    wrapped[name] = (...args: number[]) => {
      const t0 = performance.now();
      const out = kernel(...args);
      ms.set(name, (ms.get(name) ?? 0) + performance.now() - t0);
      calls.set(name, (calls.get(name) ?? 0) + 1);
      if (name === 'mm') flops.set(name, (flops.get(name) ?? 0) + 2 * args[0] * args[1] * args[2]);
      return out;
    };
  }
  return wrapped as K;
}
