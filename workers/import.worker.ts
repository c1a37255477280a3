/**
 * The runs worker: parses, validates and stores an imported file, or loads the runs stored in this
 * browser, off the main thread. A run of 50,000 metric records takes far longer than a frame to
 * decode, parse, check, write or read from IndexedDB, and the page must not freeze meanwhile.
 * In: the file's bytes (transferred) or LOAD_STORED, then NEXT_SLICE for each further message;
 * out: the runs' records in slices, one per request so that the page receives them one task at a
 * time, then the result (see import-protocol.ts).
 */
import { LOAD_STORED, NEXT_SLICE, RECORDS_PER_MESSAGE, type ImportMessage } from './import-protocol';
import { parseImport, type SavedRun } from '../src/web/saved-run';
import { loadRuns, storeImportedRun } from '../src/web/run-store';

/** Messages waiting for the page to ask for them. */
const outbox: ImportMessage[] = [];
const post = (message: ImportMessage): void => void outbox.push(message);

/** Queues the runs' records in slices; returns the runs without them. */
function slice(runs: readonly SavedRun[]): SavedRun[] {
  runs.forEach((run, i) => {
    for (let at = 0; at < run.metrics.length; at += RECORDS_PER_MESSAGE)
      post({ type: 'metrics', run: i, records: run.metrics.slice(at, at + RECORDS_PER_MESSAGE) });
    for (let at = 0; at < run.evals.length; at += RECORDS_PER_MESSAGE)
      post({ type: 'evals', run: i, records: run.evals.slice(at, at + RECORDS_PER_MESSAGE) });
  });
  return runs.map((run) => ({ ...run, metrics: [], evals: [] }));
}

async function loadStored(): Promise<void> {
  const { runs, skipped, checkpointSteps } = await loadRuns();
  const bare = slice(runs);
  post({ type: 'loaded', runs: bare, skipped, checkpointSteps: [...checkpointSteps] });
  self.postMessage(outbox.shift());
}

self.addEventListener('message', (event: MessageEvent<ArrayBuffer | string>) => {
  if (event.data === NEXT_SLICE) {
    const next = outbox.shift();
    if (next) self.postMessage(next);
    return;
  }
  if (event.data === LOAD_STORED) {
    void loadStored();
    return;
  }
  if (typeof event.data === 'string') return;
  const bytes = new Uint8Array(event.data);
  void (async () => {
    const result = parseImport(bytes);
    if (!result.ok || result.value.kind !== 'runs') {
      self.postMessage({ type: 'done', result, stored: [] } satisfies ImportMessage);
      return;
    }
    const runs = result.value.runs;
    const stored: boolean[] = [];
    for (const run of runs) stored.push(await storeImportedRun(run));
    const bare = slice(runs);
    post({ type: 'done', result: { ok: true, value: { kind: 'runs', runs: bare } }, stored });
    self.postMessage(outbox.shift());
  })();
});
