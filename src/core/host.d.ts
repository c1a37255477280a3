/**
 * The host globals the core uses, for its own compile (src/core/tsconfig.json: ES lib only, no DOM
 * and no Node types, so that a DOM or Node API cannot slip into code that must run in a page, a
 * worker and Node alike). Each of these exists, with the same meaning, in browsers, module workers
 * and Node >= 20; only the members the core calls are declared, so a new host dependency is a
 * visible edit here. The other configs (DOM, WebWorker) leave this file out and use their libs.
 */

/** Deep copies of plain data (rubrics, checkpoints). */
declare function structuredClone<T>(value: T): T;

/** Step timings. */
declare const performance: { now(): number };

/** Text in files, links and zips. */
declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}

/** Share links: base64 and the location hash's parameters. */
declare function btoa(data: string): string;
declare function atob(data: string): string;
declare class URLSearchParams {
  constructor(init?: string);
  get(name: string): string | null;
}

/** Share links: deflate-raw through the Compression Streams API. */
interface ReadableStreamDefaultReader<R> {
  read(): Promise<{ done: true; value?: undefined } | { done: false; value: R }>;
  cancel(reason?: unknown): Promise<void>;
}
interface ReadableStream<R> {
  getReader(): ReadableStreamDefaultReader<R>;
}
interface WritableStreamDefaultWriter<W> {
  write(chunk: W): Promise<void>;
  close(): Promise<void>;
}
interface WritableStream<W> {
  getWriter(): WritableStreamDefaultWriter<W>;
}
type CompressionFormat = 'deflate' | 'deflate-raw' | 'gzip';
declare class CompressionStream {
  constructor(format: CompressionFormat);
  readonly readable: ReadableStream<Uint8Array<ArrayBuffer>>;
  readonly writable: WritableStream<Uint8Array<ArrayBuffer>>;
}
declare class DecompressionStream {
  constructor(format: CompressionFormat);
  readonly readable: ReadableStream<Uint8Array<ArrayBuffer>>;
  readonly writable: WritableStream<Uint8Array<ArrayBuffer>>;
}

/** SHA-256 of zoo checkpoints (Web Crypto). */
declare const crypto: {
  subtle: { digest(algorithm: 'SHA-256', data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer> };
};

/**
 * The fused CPU engine's kernels (engine/wasm): compile the module once, instantiate it without
 * imports, and read and grow the memory it exports; or, threaded (engine/wasm/threads.ts), make a
 * shared memory, give it to each thread's instance and set each instance's stack pointer. Every
 * host has WebAssembly; the ES lib does not declare it.
 */
declare namespace WebAssembly {
  class Module {}
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(pages: number): number;
  }
  class Global {
    value: unknown;
  }
  interface Instance {
    readonly exports: Record<string, unknown>;
  }
  function compile(bytes: Uint8Array<ArrayBuffer>): Promise<Module>;
  function instantiate(
    module: Module,
    imports: Record<string, never> | { env: { memory: Memory } },
  ): Promise<Instance>;
}
