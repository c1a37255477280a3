// A kernel thread of the fused wasm engine as a Node worker thread (threads.test.ts): the same
// serving loop as the page's module workers (workers/kernel-thread.worker.ts). Plain JavaScript
// that loads the TypeScript through tsx, since a worker thread does not inherit vitest's loader.
import { parentPort } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { serveKernelThread } = await tsImport('../../../src/core/engine/wasm/threads.ts', import.meta.url);
parentPort.once('message', (init) => {
  serveKernelThread(init, () => parentPort.postMessage('ready')).catch((error) =>
    parentPort.postMessage(error instanceof Error ? error.message : String(error)),
  );
});
