/**
 * The little the fused engine needs from WebGPU, on TF.js's own device: pipelines compiled once per
 * shader source, buffers counted (so a test can see they stay flat), one command encoder and one
 * compute pass per phase, and read-backs through staging buffers kept per size.
 */

// WebGPU's usage flags by value: the core does not rely on the host's globals being installed.
const STORAGE = 0x80;
const UNIFORM = 0x40;
const COPY_SRC = 0x04;
const COPY_DST = 0x08;
const MAP_READ = 0x01;
const MAP_MODE_READ = 0x01;

export interface Dispatch {
  readonly label: string;
  /** The kernel (its pipeline's label), for the profile. */
  readonly kernel: string;
  readonly pipeline: GPUComputePipeline;
  readonly bindGroup: GPUBindGroup;
  readonly groups: readonly [number, number, number];
}

/**
 * Dispatches by kernel since the last reset, over every fused engine in this thread: for the
 * benchmark's profile, as policy/kernel-count.ts is for TF.js's kernels.
 */
const tally = new Map<string, number>();

export function fusedDispatchTally(): Map<string, number> {
  return new Map(tally);
}

export function resetFusedDispatchTally(): void {
  tally.clear();
}

/** Most workgroups WebGPU guarantees per dimension. */
const MAX_GROUPS = 65535;

export class GpuContext {
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly staging = new Map<number, GPUBuffer>();
  private readChain: Promise<unknown> = Promise.resolve();
  private live = 0;
  private issued = 0;

  constructor(readonly device: GPUDevice) {}

  /** Buffers created and not yet destroyed. */
  get liveBuffers(): number {
    return this.live;
  }

  /** Dispatches encoded so far. */
  get dispatches(): number {
    return this.issued;
  }

  pipeline(code: string, label: string): GPUComputePipeline {
    let p = this.pipelines.get(code);
    if (!p) {
      const module = this.device.createShaderModule({ code, label });
      p = this.device.createComputePipeline({
        layout: 'auto',
        compute: { module, entryPoint: 'main' },
        label,
      });
      this.pipelines.set(code, p);
    }
    return p;
  }

  /** A storage buffer of `bytes` (rounded up to 16), zero-filled. */
  storage(bytes: number, label: string): GPUBuffer {
    this.live++;
    return this.device.createBuffer({
      size: Math.max(16, Math.ceil(bytes / 16) * 16),
      usage: STORAGE | COPY_SRC | COPY_DST,
      label,
    });
  }

  uniform(data: ArrayBuffer, label: string): GPUBuffer {
    this.live++;
    const buffer = this.device.createBuffer({
      size: Math.max(16, Math.ceil(data.byteLength / 16) * 16),
      usage: UNIFORM | COPY_DST,
      label,
    });
    this.device.queue.writeBuffer(buffer, 0, data);
    return buffer;
  }

  write(buffer: GPUBuffer, data: ArrayBufferView | ArrayBuffer, offset = 0): void {
    if (data instanceof ArrayBuffer) this.device.queue.writeBuffer(buffer, offset, data);
    else this.device.queue.writeBuffer(buffer, offset, data.buffer, data.byteOffset, data.byteLength);
  }

  destroy(buffer: GPUBuffer): void {
    buffer.destroy();
    this.live--;
  }

  /** A dispatch whose bindings are `buffers` in order (binding i = buffers[i]). */
  dispatch(
    label: string,
    pipeline: GPUComputePipeline,
    buffers: readonly GPUBuffer[],
    groups: readonly [number, number?, number?],
  ): Dispatch {
    const [x, y = 1, z = 1] = groups;
    for (const g of [x, y, z])
      if (g > MAX_GROUPS) throw new Error(`fused engine: ${label} needs ${g} workgroups in one dimension`);
    const bindGroup = this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
      label,
    });
    return { label, kernel: pipeline.label, pipeline, bindGroup, groups: [x, y, z] };
  }

  /** Encode `dispatches` into one compute pass and submit them at once. */
  run(dispatches: readonly Dispatch[], label: string): void {
    const encoder = this.device.createCommandEncoder({ label });
    const pass = encoder.beginComputePass({ label });
    for (const d of dispatches) {
      pass.setPipeline(d.pipeline);
      pass.setBindGroup(0, d.bindGroup);
      pass.dispatchWorkgroups(d.groups[0], d.groups[1], d.groups[2]);
      tally.set(d.kernel, (tally.get(d.kernel) ?? 0) + 1);
    }
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    this.issued += dispatches.length;
  }

  /** Copy `bytes` of `buffer` back to the CPU. Reads run one at a time (their staging is shared). */
  read(buffer: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    const next = this.readChain.then(async () => {
      const size = Math.max(16, Math.ceil(bytes / 16) * 16);
      let stage = this.staging.get(size);
      if (!stage) {
        stage = this.device.createBuffer({ size, usage: MAP_READ | COPY_DST, label: `staging ${size}` });
        this.live++;
        this.staging.set(size, stage);
      }
      const encoder = this.device.createCommandEncoder({ label: 'read back' });
      encoder.copyBufferToBuffer(buffer, 0, stage, 0, size);
      this.device.queue.submit([encoder.finish()]);
      await stage.mapAsync(MAP_MODE_READ);
      const out = stage.getMappedRange(0, size).slice(0, bytes);
      stage.unmap();
      return out;
    });
    this.readChain = next.catch(() => undefined);
    return next;
  }

  /** Destroy the staging buffers (the caller destroys its own). */
  dispose(): void {
    for (const b of this.staging.values()) this.destroy(b);
    this.staging.clear();
  }
}
