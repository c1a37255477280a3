/**
 * The page's side of the runs worker (workers/import.worker.ts): a file the user chose to import
 * goes there to be decoded, parsed, validated and stored, and the runs stored in this browser are
 * loaded there at start-up; runs come back in slices of records, so that neither a large import
 * nor a large stored run blocks the page. Where workers cannot start, the same work runs here.
 * A gzipped file (a results file of `lab compare --out results.json.gz`) is unpacked first, by the
 * browser's own DecompressionStream, with the size limit on what it unpacks to.
 */
import { gunzipBounded } from '../../web/gunzip';
import { LOAD_STORED, NEXT_SLICE, type ImportMessage } from '../../../workers/import-protocol';
import { MAX_IMPORT_BYTES, parseImport, type Imported, type SavedRun } from '../../web/saved-run';
import { isGzip } from '../../core/records/results-file';
import type { EvalRecord, MetricRecord } from '../../core/records/types';
import type { Parsed } from '../../core/validation';
import { loadRuns } from '../../web/run-store';
import { problemLines } from '../model/problems';
import type { ExperimentDraft } from './experiment.svelte';
import type { Messages } from './messages.svelte';
import type { RunsState } from './runs.svelte';

export interface ReadImport {
  parsed: Parsed<Imported>;
  /** Per imported run: already stored in this browser (by the worker). */
  stored: boolean[];
}

type Final = Extract<ImportMessage, { type: 'done' | 'loaded' }>;

/** Sends one request to a fresh runs worker; resolves with its last message, records put back. */
function askWorker(request: ArrayBuffer | typeof LOAD_STORED): Promise<Final> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('../../../workers/import.worker.ts', import.meta.url), {
      type: 'module',
      name: 'runs',
    });
    const metrics: MetricRecord[][] = [];
    const evals: EvalRecord[][] = [];
    const refill = (runs: SavedRun[]): void =>
      runs.forEach((run, i) => {
        run.metrics = metrics[i] ?? [];
        run.evals = evals[i] ?? [];
      });
    worker.addEventListener('message', (event: MessageEvent<ImportMessage>) => {
      const message = event.data;
      if (message.type === 'metrics' || message.type === 'evals') {
        const into = ((message.type === 'metrics' ? metrics : evals)[message.run] ??= []) as unknown[];
        for (const record of message.records) into.push(record);
        worker.postMessage(NEXT_SLICE);
        return;
      }
      worker.terminate();
      if (message.type === 'loaded') refill(message.runs);
      else if (message.result.ok && message.result.value.kind === 'runs') refill(message.result.value.runs);
      resolve(message);
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      worker.terminate();
      reject(new Error(event.message || 'the runs worker could not start'));
    });
    if (request === LOAD_STORED) worker.postMessage(request);
    else worker.postMessage(request, [request]);
  });
}

const refused = (message: string): ReadImport => ({
  parsed: { ok: false, problems: [{ path: '', message }] },
  stored: [],
});

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
  let buffer = await file.arrayBuffer();
  if (isGzip(new Uint8Array(buffer))) {
    const unpacked = await gunzipBounded(new Uint8Array(buffer), MAX_IMPORT_BYTES);
    if (typeof unpacked === 'string')
      return refused(unpacked.startsWith('unpacks') ? `the file ${unpacked}` : unpacked);
    buffer = unpacked.buffer as ArrayBuffer;
  }
  const here = (): ReadImport => ({ parsed: parseImport(new Uint8Array(buffer)), stored: [] });
  if (typeof Worker === 'undefined') return here();
  try {
    const done = await askWorker(buffer.slice(0));
    return done.type === 'done' ? { parsed: done.result, stored: done.stored } : here();
  } catch {
    return here();
  }
}

/** The runs stored in this browser (see `loadRuns`), read and checked in the runs worker. */
export async function loadStoredRuns(): ReturnType<typeof loadRuns> {
  if (typeof Worker === 'undefined') return loadRuns();
  try {
    const loaded = await askWorker(LOAD_STORED);
    if (loaded.type !== 'loaded') return loadRuns();
    return { runs: loaded.runs, skipped: loaded.skipped, checkpointSteps: new Map(loaded.checkpointSteps) };
  } catch {
    return loadRuns();
  }
}

/**
 * Imports a file the user chose: an experiment replaces the setup (undoable), runs join the list;
 * a file that is refused says what was wrong and changes nothing.
 */
export async function importFile(
  file: File,
  draft: ExperimentDraft,
  runs: RunsState,
  messages: Messages,
): Promise<void> {
  const filename = file.name;
  const { parsed, stored } = await readImport(file);
  if (!parsed.ok) {
    messages.show(
      'error',
      `${filename} was not imported, and the form and the runs were kept as they were. What was wrong:`,
      problemLines(parsed.problems),
    );
    return;
  }
  if (parsed.value.kind === 'experiment') {
    const experiment = parsed.value.experiment;
    draft.replace(`Loaded the experiment “${experiment.name}” from ${filename}`, () =>
      draft.load(experiment),
    );
  } else {
    const count = runs.all.length;
    runs.addRestored(parsed.value.runs);
    const added = runs.all.length - count;
    // The import worker stored what it could; the page writes only the rest.
    const storedIds = new Set(parsed.value.runs.filter((_, i) => stored[i]).map((r) => r.spec.id));
    for (const r of runs.restored.slice(-added)) if (!storedIds.has(r.spec.id)) runs.persist(r);
    messages.show(
      'info',
      `Imported ${added} run(s) from ${filename}${added < parsed.value.runs.length ? ' (the others were already here)' : ''}.`,
    );
  }
}
