/**
 * The messages of the runs worker (workers/import.worker.ts), which imports a file or loads the
 * runs stored in this browser. Runs come back in slices of records, each its own message sent
 * only when the page asks for it, so that no task of the page's takes long to receive one; the
 * last message carries the result with the records taken out.
 */
import type { EvalRecord, MetricRecord } from '../src/core/records/types';
import type { Parsed } from '../src/core/validation';
import type { Imported, SavedRun } from '../src/web/saved-run';

/** Records per message: well under a frame to deserialise on a slow machine. */
export const RECORDS_PER_MESSAGE = 500;

/** What the page sends for the worker's next message, once it has handled the last one. */
export const NEXT_SLICE = 'next';

/** The request to load the runs stored in this browser (an import sends the file's bytes). */
export const LOAD_STORED = 'load-stored';

export type ImportMessage =
  | { type: 'metrics'; run: number; records: MetricRecord[] }
  | { type: 'evals'; run: number; records: EvalRecord[] }
  | {
      type: 'done';
      result: Parsed<Imported>;
      /** Per imported run: stored in this browser by the worker (the page need not write it). */
      stored: boolean[];
    }
  | {
      type: 'loaded';
      runs: SavedRun[];
      /** Stored records that failed the schema. */
      skipped: number;
      checkpointSteps: [string, number][];
    };
