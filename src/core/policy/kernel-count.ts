/**
 * Kernel launches counted (and, on synchronous backends, timed) per kernel kind, by wrapping the
 * kernel functions registered for the current backend. For benchmarks and profiles only: the
 * wrappers cost a counter increment per launch, and `uninstall` restores the originals.
 */
import * as tf from '@tensorflow/tfjs';

export interface KernelTally {
  /** Launches per kernel name since the last reset. */
  counts: Map<string, number>;
  /**
   * Milliseconds per kernel name since the last reset: wall time of the kernel function, which on
   * cpu and wasm is the kernel's own work; on webgpu and webgl it is only the time to enqueue.
   */
  ms: Map<string, number>;
}

export interface KernelCounter {
  readonly backend: string;
  /** Total launches since the last reset. */
  launches(): number;
  tally(): KernelTally;
  reset(): void;
  /** Put the original kernel functions back. */
  uninstall(): void;
}

type KernelFunc = tf.KernelConfig['kernelFunc'];

/** Wrap every kernel of the current backend. Install at most one counter per backend at a time. */
export function installKernelCounter(timed = false): KernelCounter {
  const backend = tf.getBackend();
  const counts = new Map<string, number>();
  const ms = new Map<string, number>();
  let total = 0;
  const originals: [tf.KernelConfig, KernelFunc][] = [];
  for (const config of tf.getKernelsForBackend(backend)) {
    const original = config.kernelFunc;
    const name = config.kernelName;
    originals.push([config, original]);
    // The registry hands out its own config objects, and the engine reads kernelFunc at each launch.
    (config as { kernelFunc: KernelFunc }).kernelFunc = timed
      ? (args) => {
          total++;
          counts.set(name, (counts.get(name) ?? 0) + 1);
          const t0 = performance.now();
          const out = original(args);
          ms.set(name, (ms.get(name) ?? 0) + performance.now() - t0);
          return out;
        }
      : (args) => {
          total++;
          counts.set(name, (counts.get(name) ?? 0) + 1);
          return original(args);
        };
  }
  return {
    backend,
    launches: () => total,
    tally: () => ({ counts: new Map(counts), ms: new Map(ms) }),
    reset: () => {
      total = 0;
      counts.clear();
      ms.clear();
    },
    uninstall: () => {
      for (const [config, original] of originals)
        (config as { kernelFunc: KernelFunc }).kernelFunc = original;
    },
  };
}
