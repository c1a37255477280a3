/**
 * Parses, validates and stores an imported file off the main thread: a runs file of 50,000 metric
 * records takes far longer than a frame to decode, parse, check and write to IndexedDB, and the
 * page must not freeze meanwhile. In: the file's bytes (transferred), then NEXT_SLICE for each
 * further message; out: the runs' records in slices, one per request so that the page receives
 * them one task at a time, then the result (see import-protocol.ts).
 */
import { NEXT_SLICE, RECORDS_PER_MESSAGE, type ImportMessage } from '../src/app/model/import-protocol';
import { parseImport } from '../src/app/model/saved-run';
import { storeImportedRun } from '../src/app/state/persist';

/** Messages waiting for the page to ask for them. */
const outbox: ImportMessage[] = [];
const post = (message: ImportMessage): void => void outbox.push(message);

self.addEventListener('message', (event: MessageEvent<ArrayBuffer | typeof NEXT_SLICE>) => {
  if (event.data === NEXT_SLICE) {
    const next = outbox.shift();
    if (next) self.postMessage(next);
    return;
  }
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
    runs.forEach((run, i) => {
      for (let at = 0; at < run.metrics.length; at += RECORDS_PER_MESSAGE)
        post({ type: 'metrics', run: i, records: run.metrics.slice(at, at + RECORDS_PER_MESSAGE) });
      for (let at = 0; at < run.evals.length; at += RECORDS_PER_MESSAGE)
        post({ type: 'evals', run: i, records: run.evals.slice(at, at + RECORDS_PER_MESSAGE) });
    });
    const bare = runs.map((run) => ({ ...run, metrics: [], evals: [] }));
    post({ type: 'done', result: { ok: true, value: { kind: 'runs', runs: bare } }, stored });
    self.postMessage(outbox.shift());
  })();
});
