/**
 * Runs kept in IndexedDB so they survive a reload: written debounced (a run that reports every
 * 100 ms is saved about once a second), read once at start-up. Each unfinished run's last
 * checkpoint is kept in a store of its own (keyed by run id), written only when its step changes
 * and read only when the user resumes the run; at start-up only the steps are read (an index).
 */
import { openDB, type IDBPDatabase } from 'idb';
import type { RunView } from '../core/records/run';
import type { Checkpoint } from '../core/train/types';
import { savedRunSchema, toSavedRun, type SavedRun } from './saved-run';

const DB_NAME = 'focal-lab';
const STORE = 'runs';
/** Last checkpoint per run id: `{ step, data }` (added in version 2). */
const CHECKPOINTS = 'checkpoints';
const STEP_INDEX = 'step';
const DB_VERSION = 2;
const SAVE_DELAY_MS = 1000;

let db: Promise<IDBPDatabase> | null = null;

function open(): Promise<IDBPDatabase> {
  db ??= openDB(DB_NAME, DB_VERSION, {
    upgrade(database, oldVersion) {
      // Version 1: runs. Version 2: checkpoints, with an index on the step so that start-up can
      // learn which runs are resumable without reading megabytes of weights.
      if (oldVersion < 1 && !database.objectStoreNames.contains(STORE)) database.createObjectStore(STORE);
      if (oldVersion < 2 && !database.objectStoreNames.contains(CHECKPOINTS)) {
        database.createObjectStore(CHECKPOINTS).createIndex(STEP_INDEX, 'step');
      }
    },
    blocking() {
      // Another tab opened a newer version: let it upgrade; this tab reopens on its next save.
      void db?.then((d) => d.close());
      db = null;
    },
  });
  return db;
}

export function persistenceAvailable(): boolean {
  return typeof indexedDB !== 'undefined';
}

/**
 * Stores an imported run unless a run with its id is stored already; false when it was not
 * stored. Called from the import worker, so that the page never serialises a large run.
 */
export async function storeImportedRun(saved: SavedRun): Promise<boolean> {
  if (!persistenceAvailable()) return false;
  try {
    await (await open()).add(STORE, saved, saved.spec.id);
    return true;
  } catch {
    return false;
  }
}

/**
 * Saved runs that still pass the schema (a damaged record is skipped, not fatal), and the step of
 * each saved checkpoint by run id (the checkpoints themselves are read by `loadCheckpoint`).
 */
export async function loadRuns(): Promise<{
  runs: SavedRun[];
  skipped: number;
  checkpointSteps: Map<string, number>;
}> {
  const checkpointSteps = new Map<string, number>();
  if (!persistenceAvailable()) return { runs: [], skipped: 0, checkpointSteps };
  const database = await open();
  const all: unknown[] = await database.getAll(STORE);
  let cursor = await database.transaction(CHECKPOINTS).store.index(STEP_INDEX).openKeyCursor();
  while (cursor) {
    if (typeof cursor.primaryKey === 'string' && typeof cursor.key === 'number') {
      checkpointSteps.set(cursor.primaryKey, cursor.key);
    }
    cursor = await cursor.continue();
  }
  const runs: SavedRun[] = [];
  let skipped = 0;
  for (const record of all) {
    const parsed = savedRunSchema.safeParse(record);
    if (parsed.success) runs.push(parsed.data);
    else skipped++;
  }
  runs.sort((a, b) => a.savedAt.localeCompare(b.savedAt));
  return { runs, skipped, checkpointSteps };
}

/** The run's saved checkpoint, or null when there is none or it is not one. */
export async function loadCheckpoint(id: string): Promise<Checkpoint | null> {
  if (!persistenceAvailable()) return null;
  const record: unknown = await (await open()).get(CHECKPOINTS, id);
  if (typeof record !== 'object' || record === null) return null;
  const { step, data } = record as Record<string, unknown>;
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) return null;
  return { step, data };
}

/** Removes the run and its checkpoint. */
export async function deleteRun(id: string): Promise<void> {
  if (!persistenceAvailable()) return;
  const tx = (await open()).transaction([STORE, CHECKPOINTS], 'readwrite');
  await Promise.all([tx.objectStore(STORE).delete(id), tx.objectStore(CHECKPOINTS).delete(id), tx.done]);
}

interface PendingSave {
  view: RunView;
  checkpoint: Checkpoint | null;
}

/**
 * Coalesces saves: `schedule(view, checkpoint)` many times a second writes each run about once a
 * second, and its checkpoint only when the checkpoint's step differs from the one stored.
 */
export class RunSaver {
  #pending = new Map<string, PendingSave>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** First-saved time per run, so the list keeps its order across reloads. */
  #created = new Map<string, string>();
  /** Step of the checkpoint stored per run (absent: none stored). */
  #checkpointSteps = new Map<string, number>();

  constructor(private readonly onError: (message: string) => void) {}

  schedule(view: RunView, checkpoint: Checkpoint | null = null): void {
    if (!persistenceAvailable()) return;
    this.#pending.set(view.spec.id, { view, checkpoint });
    if (this.#timer === null) this.#timer = setTimeout(() => void this.flush(), SAVE_DELAY_MS);
  }

  forget(id: string): void {
    this.#pending.delete(id);
    this.#checkpointSteps.delete(id);
  }

  async flush(): Promise<void> {
    this.#timer = null;
    const batch = [...this.#pending.values()];
    this.#pending.clear();
    if (batch.length === 0) return;
    const written = new Map<string, number | null>();
    try {
      const database = await open();
      const tx = database.transaction([STORE, CHECKPOINTS], 'readwrite');
      const runs = tx.objectStore(STORE);
      const checkpoints = tx.objectStore(CHECKPOINTS);
      const writes: Promise<unknown>[] = [];
      for (const { view, checkpoint } of batch) {
        const id = view.spec.id;
        const created = this.#created.get(id) ?? new Date().toISOString();
        this.#created.set(id, created);
        writes.push(runs.put(toSavedRun(view, created), id));
        const stored = this.#checkpointSteps.get(id);
        if (view.status === 'done') {
          // A finished run cannot be resumed: its checkpoint is only weight.
          if (stored !== undefined) {
            writes.push(checkpoints.delete(id));
            written.set(id, null);
          }
        } else if (checkpoint && checkpoint.step !== stored) {
          writes.push(checkpoints.put({ step: checkpoint.step, data: checkpoint.data }, id));
          written.set(id, checkpoint.step);
        }
      }
      await Promise.all([...writes, tx.done]);
      for (const [id, step] of written) {
        if (step === null) this.#checkpointSteps.delete(id);
        else this.#checkpointSteps.set(id, step);
      }
    } catch (e) {
      this.onError(`Saving runs in this browser failed: ${(e as Error).message}`);
    }
  }

  /** A run restored from storage: keep its order, and do not rewrite its stored checkpoint. */
  remember(saved: SavedRun, checkpointStep: number | null = null): void {
    this.#created.set(saved.spec.id, saved.savedAt);
    if (checkpointStep !== null) this.#checkpointSteps.set(saved.spec.id, checkpointStep);
  }
}
