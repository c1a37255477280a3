/**
 * Reading a file the user chose to import: its bytes go to a short-lived worker
 * (workers/import.worker.ts) that decodes, parses and validates them, so that a large runs file
 * never blocks the page. Where workers cannot start, the same parse runs here.
 */
import { MAX_IMPORT_BYTES, parseImport, type Imported } from '../model/saved-run';
import type { Parsed } from '../../core/validation';

function parseInWorker(buffer: ArrayBuffer): Promise<Parsed<Imported>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('../../../workers/import.worker.ts', import.meta.url), {
      type: 'module',
      name: 'import',
    });
    worker.addEventListener('message', (event: MessageEvent<Parsed<Imported>>) => {
      worker.terminate();
      resolve(event.data);
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      worker.terminate();
      reject(new Error(event.message || 'the import worker could not start'));
    });
    worker.postMessage(buffer, [buffer]);
  });
}

export async function readImport(file: Blob): Promise<Parsed<Imported>> {
  if (file.size > MAX_IMPORT_BYTES)
    return {
      ok: false,
      problems: [
        { path: '', message: `the file is too large (${file.size} bytes; at most ${MAX_IMPORT_BYTES})` },
      ],
    };
  const buffer = await file.arrayBuffer();
  if (typeof Worker === 'undefined') return parseImport(new Uint8Array(buffer));
  try {
    return await parseInWorker(buffer.slice(0));
  } catch {
    return parseImport(new Uint8Array(buffer));
  }
}
