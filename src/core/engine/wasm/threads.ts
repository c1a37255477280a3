/**
 * Kernel threads for the fused wasm engine, where the page is cross-origin isolated: the threaded
 * build of kernels.c (kernels-shared.wasm.ts) instantiated once per thread on one shared
 * WebAssembly.Memory, and a pool that runs one kernel call as contiguous slices of its output, one
 * slice per thread, the engine's own thread taking the first. The slices cut only where every
 * output element is still computed by the same instructions in the same order as in one call
 * (rows of a product at multiples of its row tile, whole sequences of attention, whole rows of the
 * head), so the threaded engine is bit-identical to the single-threaded one; the kernels that sum
 * across what a split would cut (grad_norm, embed_grad, row_stats_sum, layer_norm_grad's sums)
 * stay whole on the engine's thread. Calls too small to be worth a hand-off run whole as well.
 *
 * Synchronisation is Atomics on a small control buffer: the engine publishes a call's slices and
 * bumps a generation word; each kernel thread spins briefly on it, then sleeps in Atomics.wait,
 * runs its slice and counts down a pending word, on which the engine spins and then waits. The
 * engine runs in a worker (or in Node), where Atomics.wait is allowed. Plain TypeScript: the
 * browser's threads are module workers (workers/kernel-threads.ts), a test's are Node's.
 */
import type { Kernels } from './engine';
import { KERNELS_SHARED_WASM_BASE64 } from './kernels-shared.wasm';

const F32 = 4;
const PAGE = 65536;
/** The threaded build's declared maximum (scripts/build-wasm.sh: --max-memory, 1 GiB). */
const SHARED_MAX_PAGES = 16384;
/** Its declared initial memory (--initial-memory, 1 MiB). */
const SHARED_INITIAL_PAGES = 16;
/** Each kernel thread's own stack in the shared memory (the build's stack size). */
const STACK_BYTES = 65536;

/** How many threads at most: the shapes are small, and each call's hand-off costs every thread. */
export const MAX_KERNEL_THREADS = 4;
/** A call is cut into at most this many chunks, which the threads claim one at a time. */
const MAX_CHUNKS = 16;
const MAX_ARGS = 20;

// Control words (Int32, in `control`). CLAIM packs the call's generation (16 bits), its chunks
// (8) and the next chunk to claim (8), so that a thread that wakes late cannot claim a chunk of the
// next call with a stale count; DONE counts finished chunks; SLEEPERS the threads in Atomics.wait
// (the engine wakes them only then); then the kernel, the stop and failure flags, one argument
// count per chunk, and the chunks' arguments as float64 (pointers, counts and float32 settings all
// fit exactly).
const CLAIM = 0;
const DONE = 1;
const SLEEPERS = 2;
const KERNEL = 3;
const STOP = 4;
const FAILED = 5;
const ARGC = 8;
const ARGS_BYTE = (ARGC + MAX_CHUNKS) * 4;
const CONTROL_BYTES = ARGS_BYTE + MAX_CHUNKS * MAX_ARGS * 8;

const claimOf = (gen: number, chunks: number, next: number) => ((gen & 0xffff) << 16) | (chunks << 8) | next;
const chunksOf = (claim: number) => (claim >> 8) & 0xff;
const nextOf = (claim: number) => claim & 0xff;

/**
 * Polls of a control word before sleeping on it (a few microseconds): consecutive kernel calls
 * follow each other that closely, so a short spin saves a wake-up; anything longer sleeps. Long
 * spins cost more than they save wherever the cores are shared: on this lab's loaded 2-core
 * machine a spin of ~0.5 ms made two threads 0.55x the speed of one, since a spinning thread takes
 * the core the other thread (or its chunk's owner) needs.
 */
const SPIN = 1000;

/** The kernels a call of which may be split; a kernel thread finds them by index. */
const SPLIT = [
  'mm',
  'colsum',
  'transpose',
  'layer_norm',
  'attention',
  'attention_grad',
  'embed',
  'head_loss',
  'adam',
  'embed_step',
  'attention_step',
  'sample_pick',
] as const;
type SplitName = (typeof SPLIT)[number];
type Fn = (...args: number[]) => unknown;

/** What a kernel thread is given: the threaded build, the memory, the control words, its place. */
export interface KernelThreadInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  /** 1 .. threads - 1 (the engine's own thread is 0). */
  index: number;
  /** The top of this thread's stack in the shared memory (a byte offset). */
  stackTop: number;
}

/** One kernel thread as its host made it (a module worker, a Node worker thread). */
export interface KernelThread {
  /** Sends the thread its start message; resolves once its instance is ready, rejects with why not. */
  start(init: KernelThreadInit): Promise<void>;
  terminate(): void;
}

/** How many threads the engine should run on (its own included), and how to make the others. */
export interface FusedWasmThreads {
  count: number;
  spawn: () => KernelThread;
  /** Tests: split every call that can be, however small (by default small calls run whole). */
  splitAll?: boolean;
  /** Hears why the threads could not start (the engine then runs on one). */
  onThreadsFailed?: (reason: string) => void;
}

let sharedModule: Promise<WebAssembly.Module> | null = null;

function sharedBytes(): Uint8Array<ArrayBuffer> {
  const text = atob(KERNELS_SHARED_WASM_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * Claims the next chunk of the current call, or returns -1 when none is left; the chunk's index
 * otherwise. A claim is a compare-and-swap on the packed CLAIM word.
 */
function claim(control: Int32Array): number {
  for (;;) {
    const v = Atomics.load(control, CLAIM);
    const next = nextOf(v);
    if (next >= chunksOf(v)) return -1;
    if (Atomics.compareExchange(control, CLAIM, v, v + 1) === v) return next;
  }
}

/** Runs chunk `c` of the current call and counts it done (waking the engine on the last). */
function runChunk(
  control: Int32Array,
  args: Float64Array,
  kernels: readonly Fn[],
  c: number,
  own?: Fn,
): void {
  const argc = control[ARGC + c];
  try {
    (own ?? kernels[control[KERNEL]])(...args.subarray(c * MAX_ARGS, c * MAX_ARGS + argc));
  } catch {
    Atomics.store(control, FAILED, 1);
  }
  const done = Atomics.add(control, DONE, 1) + 1;
  if (done === chunksOf(Atomics.load(control, CLAIM))) Atomics.notify(control, DONE);
}

/**
 * The kernel thread's side: instantiates the threaded build on the shared memory with its own
 * stack, says it is ready, then claims and runs chunks of the engine's calls until the pool stops
 * it (never returns before). Between calls it spins briefly on the claim word, then sleeps.
 */
export async function serveKernelThread(init: KernelThreadInit, ready: () => void): Promise<void> {
  const instance = await WebAssembly.instantiate(init.module, { env: { memory: init.memory } });
  const exports = instance.exports;
  (exports.__stack_pointer as WebAssembly.Global).value = init.stackTop;
  const kernels = SPLIT.map((name) => exports[name] as Fn);
  const control = new Int32Array(init.control);
  const args = new Float64Array(init.control, ARGS_BYTE, MAX_CHUNKS * MAX_ARGS);
  ready();
  for (let spin = 0; ;) {
    if (Atomics.load(control, STOP)) return;
    const c = claim(control);
    if (c >= 0) {
      runChunk(control, args, kernels, c);
      spin = 0;
    } else if (++spin > SPIN) {
      const v = Atomics.load(control, CLAIM);
      Atomics.add(control, SLEEPERS, 1);
      // Sleeps only while the claim word is unchanged: a call published meanwhile wakes it at once.
      if (nextOf(v) >= chunksOf(v) && !Atomics.load(control, STOP)) Atomics.wait(control, CLAIM, v);
      Atomics.sub(control, SLEEPERS, 1);
      spin = 0;
    }
  }
}

/**
 * The engine's side: the other threads, and one call run across all of them. The engine's own
 * thread claims chunks too, so a call never waits on a thread that has not started it (another
 * process holding the core, a thread still asleep): it waits only for chunks already being run.
 */
export class KernelPool {
  private readonly control: Int32Array;
  private readonly args: Float64Array;
  private gen = 0;
  private stopped = false;

  private constructor(
    private readonly workers: KernelThread[],
    controlBuffer: SharedArrayBuffer,
  ) {
    this.control = new Int32Array(controlBuffer);
    this.args = new Float64Array(controlBuffer, ARGS_BYTE, MAX_CHUNKS * MAX_ARGS);
  }

  /** Threads in all, the engine's own included. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /** Starts `stackTops.length` kernel threads; throws (having ended them) if one cannot start. */
  static async start(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    spawn: () => KernelThread,
    stackTops: readonly number[],
  ): Promise<KernelPool> {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const workers: KernelThread[] = [];
    try {
      for (let i = 0; i < stackTops.length; i++) workers.push(spawn());
      await Promise.all(
        workers.map((w, i) => w.start({ module, memory, control, index: i + 1, stackTop: stackTops[i] })),
      );
    } catch (error) {
      for (const w of workers) w.terminate();
      throw error;
    }
    return new KernelPool(workers, control);
  }

  /**
   * Runs `kernel` once per chunk (at most MAX_CHUNKS), each with its own arguments, on whichever
   * thread claims it, this one through `own`; returns when every chunk is done.
   */
  run(kernel: SplitName, own: Fn, chunks: readonly (readonly number[])[]): void {
    if (this.stopped) throw new Error('fused wasm engine: its kernel threads were stopped');
    if (chunks.length > MAX_CHUNKS)
      throw new Error(`fused wasm engine: ${chunks.length} chunks of ${kernel}`);
    const { control, args } = this;
    chunks.forEach((chunk, c) => {
      control[ARGC + c] = chunk.length;
      args.set(chunk, c * MAX_ARGS);
    });
    control[KERNEL] = SPLIT.indexOf(kernel);
    Atomics.store(control, DONE, 0);
    this.gen = (this.gen + 1) & 0xffff;
    Atomics.store(control, CLAIM, claimOf(this.gen, chunks.length, 0));
    if (Atomics.load(control, SLEEPERS) > 0) Atomics.notify(control, CLAIM);
    for (let c; (c = claim(control)) >= 0;) runChunk(control, args, [], c, own);
    for (let spin = 0, done; (done = Atomics.load(control, DONE)) < chunks.length; spin++)
      if (spin > SPIN) Atomics.wait(control, DONE, done);
    if (Atomics.load(control, FAILED)) {
      Atomics.store(control, FAILED, 0);
      throw new Error(`fused wasm engine: a chunk of ${kernel} failed`);
    }
  }

  /** Stops the threads (they leave their loop) and ends them. */
  dispose(): void {
    if (this.stopped) return;
    this.stopped = true;
    Atomics.store(this.control, STOP, 1);
    Atomics.store(this.control, CLAIM, claimOf(this.gen + 1, 0, 0));
    Atomics.notify(this.control, CLAIM);
    for (const w of this.workers) w.terminate();
  }
}

/**
 * The threaded build instantiated here on a new shared memory, with `threads.count - 1` kernel
 * threads on it; their stacks sit at the start of the heap, so the kernels' heap base moves past
 * them. Throws where shared memory or the threads cannot be had (the engine then runs on one).
 */
export async function startKernelThreads(
  threads: FusedWasmThreads,
): Promise<{ kernels: Kernels; pool: KernelPool }> {
  const count = Math.min(MAX_KERNEL_THREADS, Math.floor(threads.count));
  if (!(count > 1)) throw new Error(`fused wasm engine: ${threads.count} threads asked for`);
  sharedModule ??= WebAssembly.compile(sharedBytes());
  const module = await sharedModule;
  const memory = new WebAssembly.Memory({
    initial: SHARED_INITIAL_PAGES,
    maximum: SHARED_MAX_PAGES,
    shared: true,
  });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const exports = instance.exports;
  const base = Math.ceil(Number((exports.__heap_base as WebAssembly.Global).value) / 16) * 16;
  const stackTops = Array.from({ length: count - 1 }, (_, i) => base + (i + 1) * STACK_BYTES);
  const heapBase = base + (count - 1) * STACK_BYTES;
  const need = heapBase - memory.buffer.byteLength;
  if (need > 0) memory.grow(Math.ceil(need / PAGE));
  const pool = await KernelPool.start(module, memory, threads.spawn, stackTops);
  const kernels = { ...exports, memory, __heap_base: { value: heapBase } } as unknown as Kernels;
  return { kernels, pool };
}

/**
 * Below these amounts of work (multiply-adds, or elements touched) a call runs whole, here.
 * Measured in Node on this lab's 2-core machine when it was quiet: a hand-off costs about 3-5 us
 * (median), a product of 64 x 32 x 32 (65k multiply-adds, 7 us) ran twice as slow split, one of
 * 64 x 128 x 32 (262k, 26 us) 1.4x faster, of 826 x 128 x 32 1.8x; a row kernel of 32k elements
 * takes some 80 us. Loaded (other processes on the cores), small calls lose more: hence the
 * larger side of each.
 */
const MIN_SPLIT = {
  product: 1 << 18,
  rows: 1 << 15,
};
/** A product's rows are cut at multiples of this: kernels.c's row tile (4) and twice it. */
const ROW_UNIT = 8;

/** [start, end) parts of 0..n at multiples of `unit`, as even as that allows; empty parts dropped. */
export function evenParts(n: number, parts: number, unit: number): [number, number][] {
  const units = Math.ceil(n / unit);
  const out: [number, number][] = [];
  let at = 0;
  for (let p = 0; p < parts; p++) {
    const end = Math.min(n, Math.round(((p + 1) * units) / parts) * unit);
    if (end > at) out.push([at, end]);
    at = Math.max(at, end);
  }
  return out;
}

/** Parts of 0..costs.length with about equal sums of `costs` (attention: a sequence's length squared). */
export function balancedParts(costs: ArrayLike<number>, parts: number): [number, number][] {
  let total = 0;
  for (let i = 0; i < costs.length; i++) total += costs[i];
  const out: [number, number][] = [];
  let at = 0;
  let sum = 0;
  for (let i = 0; i < costs.length; i++) {
    sum += costs[i];
    const p = out.length + 1;
    if (p < parts && sum >= (total * p) / parts && i + 1 < costs.length) {
      out.push([at, i + 1]);
      at = i + 1;
    }
  }
  if (at < costs.length) out.push([at, costs.length]);
  return out;
}

/**
 * The kernels with every splittable call cut into chunks for the pool's threads; the others (and
 * calls below the thresholds) as they are. `alloc(floats)` gives heap regions: each chunk's scratch.
 */
export function splitKernels(
  raw: Kernels,
  pool: KernelPool,
  alloc: (floats: number) => number,
  splitAll = false,
): Kernels {
  // Two chunks per thread: a thread that starts late leaves the others less to wait for.
  const T = Math.min(2 * pool.threads, MAX_CHUNKS);
  const whole = (work: number, min: number): boolean => !splitAll && work < min;
  const scratchOf: { at: number; floats: number }[] = Array.from({ length: T }, () => ({ at: 0, floats: 0 }));
  /** Chunk c's scratch of `floats` (chunk 0 uses the engine's own, `own`): chunks may run at once. */
  const scratch = (c: number, floats: number, own: number): number => {
    if (c === 0) return own;
    const s = scratchOf[c];
    if (s.floats < floats) Object.assign(s, { at: alloc(floats), floats });
    return s.at;
  };
  const run = (name: SplitName, slices: number[][]) => pool.run(name, raw[name] as Fn, slices);
  const mem = () => raw.memory.buffer;

  return {
    ...raw,
    mm(M, N, K, A, aRs, aCs, B, bRs, C, cRs, bias, aux, auxRs, flags) {
      if (whole(M * N * K, MIN_SPLIT.product) || whole(M, 2 * ROW_UNIT))
        return raw.mm(M, N, K, A, aRs, aCs, B, bRs, C, cRs, bias, aux, auxRs, flags);
      const parts = evenParts(M, T, ROW_UNIT);
      run(
        'mm',
        parts.map(([i0, i1]) => [
          ...[i1 - i0, N, K, A + i0 * aRs * F32, aRs, aCs, B, bRs, C + i0 * cRs * F32, cRs, bias],
          ...[aux ? aux + i0 * auxRs * F32 : 0, auxRs, flags],
        ]),
      );
    },
    colsum(R, N, B, bRs, out) {
      if (whole(R * N, MIN_SPLIT.rows) || N < 8) return raw.colsum(R, N, B, bRs, out);
      run(
        'colsum',
        evenParts(N, T, 4).map(([j0, j1]) => [R, j1 - j0, B + j0 * F32, bRs, out + j0 * F32]),
      );
    },
    transpose(rows, cols, src, dst, dRs) {
      if (whole(rows * cols, MIN_SPLIT.rows)) return raw.transpose(rows, cols, src, dst, dRs);
      run(
        'transpose',
        evenParts(rows, T, 1).map(([r0, r1]) => [r1 - r0, cols, src + r0 * cols * F32, dst + r0 * F32, dRs]),
      );
    },
    layer_norm(R, D, x, g, b, y, xhat, rstd) {
      if (whole(R * D, MIN_SPLIT.rows)) return raw.layer_norm(R, D, x, g, b, y, xhat, rstd);
      run(
        'layer_norm',
        evenParts(R, T, 1).map(([r0, r1]) => [
          ...[r1 - r0, D, x + r0 * D * F32, g, b, y + r0 * D * F32],
          ...[xhat ? xhat + r0 * D * F32 : 0, rstd ? rstd + r0 * F32 : 0],
        ]),
      );
    },
    attention(N, seq, S, D, H, qkv, ctx, probs) {
      const parts = sequenceParts(mem(), N, seq, S, D, T, splitAll);
      if (!parts) return raw.attention(N, seq, S, D, H, qkv, ctx, probs);
      run(
        'attention',
        parts.map(([n0, n1]) => [n1 - n0, seq + n0 * F32, S, D, H, qkv, ctx, probs + n0 * H * S * S * F32]),
      );
    },
    attention_grad(N, seq, S, D, H, qkv, gctx, probs, gqkv, ds) {
      const parts = sequenceParts(mem(), N, seq, S, D, T, splitAll);
      if (!parts) return raw.attention_grad(N, seq, S, D, H, qkv, gctx, probs, gqkv, ds);
      run(
        'attention_grad',
        parts.map(([n0, n1], t) => [
          ...[n1 - n0, seq + n0 * F32, S, D, H, qkv, gctx, probs + n0 * H * S * S * F32, gqkv],
          scratch(t, S * S, ds),
        ]),
      );
    },
    embed(R, D, wte, wpe, tok, pos, x) {
      if (whole(R * D, MIN_SPLIT.rows)) return raw.embed(R, D, wte, wpe, tok, pos, x);
      run(
        'embed',
        evenParts(R, T, 1).map(([r0, r1]) => [
          r1 - r0,
          D,
          wte,
          wpe,
          tok + r0 * F32,
          pos + r0 * F32,
          x + r0 * D * F32,
        ]),
      );
    },
    head_loss(R, V, mode, logits, maskAdd, tgts, seqOf, rowData, advs, logps, oldAt, rowStats, ...rest) {
      const [temperature, epsClip, betaKL, entCoef, invValid, firstPass, e] = rest;
      if (whole(R * V, MIN_SPLIT.rows))
        return raw.head_loss(
          R,
          V,
          mode,
          logits,
          maskAdd,
          tgts,
          seqOf,
          rowData,
          advs,
          logps,
          oldAt,
          rowStats,
          ...rest,
        );
      run(
        'head_loss',
        evenParts(R, T, 1).map(([r0, r1], t) => [
          ...[r1 - r0, V, mode, logits + r0 * V * F32, maskAdd, tgts + r0 * F32, seqOf + r0 * F32],
          ...[rowData + 2 * r0 * F32, advs, logps + r0 * F32, oldAt, rowStats + 4 * r0 * F32],
          ...[temperature, epsClip, betaKL, entCoef, invValid, firstPass, scratch(t, V + 4, e)],
        ]),
      );
    },
    adam(total, p, g, m1, m2, ...rest) {
      if (whole(total, MIN_SPLIT.rows * 4)) return raw.adam(total, p, g, m1, m2, ...rest);
      run(
        'adam',
        evenParts(total, T, 16).map(([i0, i1]) => {
          const o = i0 * F32;
          return [i1 - i0, p + o, g + o, m1 + o, m2 + o, ...rest];
        }),
      );
    },
    embed_step(A, act, T_, pos, D, wte, wpe, tokens, x) {
      if (whole(A * D, MIN_SPLIT.rows)) return raw.embed_step(A, act, T_, pos, D, wte, wpe, tokens, x);
      run(
        'embed_step',
        evenParts(A, T, 1).map(([a0, a1]) => [
          a1 - a0,
          act + a0 * F32,
          T_,
          pos,
          D,
          wte,
          wpe,
          tokens,
          x + a0 * D * F32,
        ]),
      );
    },
    attention_step(A, act, T_, pos, D, H, qkv, kc, vc, ctx, sc) {
      if (whole(A * (pos + 1) * D, MIN_SPLIT.rows))
        return raw.attention_step(A, act, T_, pos, D, H, qkv, kc, vc, ctx, sc);
      run(
        'attention_step',
        evenParts(A, T, 1).map(([a0, a1], t) => [
          ...[a1 - a0, act + a0 * F32, T_, pos, D, H, qkv + a0 * 3 * D * F32, kc, vc, ctx + a0 * D * F32],
          scratch(t, T_, sc),
        ]),
      );
    },
    sample_pick(A, act, V, T_, pos, logits, maskAdd, draws, greedy, temperature, tokens, done, pad, eos, g) {
      if (whole(A * V, MIN_SPLIT.rows))
        return raw.sample_pick(
          A,
          act,
          V,
          T_,
          pos,
          logits,
          maskAdd,
          draws,
          greedy,
          temperature,
          tokens,
          done,
          pad,
          eos,
          g,
        );
      run(
        'sample_pick',
        evenParts(A, T, 1).map(([a0, a1], t) => [
          ...[a1 - a0, act + a0 * F32, V, T_, pos, logits + a0 * V * F32, maskAdd, draws, greedy],
          ...[temperature, tokens, done, pad, eos, scratch(t, V + 4, g)],
        ]),
      );
    },
  } as Kernels;
}

/** Attention's parts by whole sequences, about equal in work; null when too small to split. */
function sequenceParts(
  buffer: ArrayBufferLike,
  N: number,
  seq: number,
  S: number,
  D: number,
  threads: number,
  splitAll: boolean,
): [number, number][] | null {
  const starts = new Int32Array(buffer, seq, N + 1);
  if (N < 2 || (!splitAll && (starts[N] - starts[0]) * S * D < MIN_SPLIT.product)) return null;
  const costs = new Float64Array(N);
  for (let n = 0; n < N; n++) costs[n] = (starts[n + 1] - starts[n]) ** 2;
  return balancedParts(costs, threads);
}
