/**
 * The messages of the import worker (workers/import.worker.ts). A large runs file comes back in
 * slices of records, each its own message sent only when the page asks for it, so that no task of
 * the page's takes long to receive one; the last message carries the result with the records
 * taken out.
 */
import type { EvalRecord, MetricRecord } from '../../core/train/types';
import type { Parsed } from '../../core/validation';
import type { Imported } from './saved-run';

/** Records per message: well under a frame to deserialise on a slow machine. */
export const RECORDS_PER_MESSAGE = 500;

/** What the page sends for the worker's next message, once it has handled the last one. */
export const NEXT_SLICE = 'next';

export type ImportMessage =
  | { type: 'metrics'; run: number; records: MetricRecord[] }
  | { type: 'evals'; run: number; records: EvalRecord[] }
  | {
      type: 'done';
      result: Parsed<Imported>;
      /** Per imported run: stored in this browser by the worker (the page need not write it). */
      stored: boolean[];
    };
