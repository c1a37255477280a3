/**
 * Reading a file the user chose to import: its bytes go to a short-lived worker
 * (workers/import.worker.ts) that decodes, parses, validates and stores it, and sends a runs
 * file's records back in slices, so that a large import never blocks the page. Where workers
 * cannot start, the same parse runs here.
 */
import { NEXT_SLICE, type ImportMessage } from '../model/import-protocol';
import { MAX_IMPORT_BYTES, parseImport, type Imported } from '../model/saved-run';
import type { EvalRecord, MetricRecord } from '../../core/train/types';
import type { Parsed } from '../../core/validation';

export interface ReadImport {
  parsed: Parsed<Imported>;
  /** Per imported run: already stored in this browser (by the worker). */
  stored: boolean[];
}

function parseInWorker(buffer: ArrayBuffer): Promise<ReadImport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('../../../workers/import.worker.ts', import.meta.url), {
      type: 'module',
      name: 'import',
    });
    const metrics: MetricRecord[][] = [];
    const evals: EvalRecord[][] = [];
    worker.addEventListener('message', (event: MessageEvent<ImportMessage>) => {
      const message = event.data;
      if (message.type === 'metrics' || message.type === 'evals') {
        const into = ((message.type === 'metrics' ? metrics : evals)[message.run] ??= []) as unknown[];
        for (const record of message.records) into.push(record);
        worker.postMessage(NEXT_SLICE);
        return;
      }
      worker.terminate();
      const { result, stored } = message;
      if (result.ok && result.value.kind === 'runs')
        result.value.runs.forEach((run, i) => {
          run.metrics = metrics[i] ?? [];
          run.evals = evals[i] ?? [];
        });
      resolve({ parsed: result, stored });
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      worker.terminate();
      reject(new Error(event.message || 'the import worker could not start'));
    });
    worker.postMessage(buffer, [buffer]);
  });
}

export async function readImport(file: Blob): Promise<ReadImport> {
  if (file.size > MAX_IMPORT_BYTES)
    return {
      parsed: {
        ok: false,
        problems: [
          { path: '', message: `the file is too large (${file.size} bytes; at most ${MAX_IMPORT_BYTES})` },
        ],
      },
      stored: [],
    };
  const buffer = await file.arrayBuffer();
  const here = (): ReadImport => ({ parsed: parseImport(new Uint8Array(buffer)), stored: [] });
  if (typeof Worker === 'undefined') return here();
  try {
    return await parseInWorker(buffer.slice(0));
  } catch {
    return here();
  }
}
