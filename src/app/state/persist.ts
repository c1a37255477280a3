/**
 * Runs kept in IndexedDB so they survive a reload: written debounced (a run that reports every
 * 100 ms is saved about once a second), read once at start-up.
 */
import { openDB, type IDBPDatabase } from 'idb';
import type { RunView } from '../../client/types';
import { savedRunSchema, toSavedRun, type SavedRun } from '../model/saved-run';

const DB_NAME = 'focal-lab';
const STORE = 'runs';
const SAVE_DELAY_MS = 1000;

let db: Promise<IDBPDatabase> | null = null;

function open(): Promise<IDBPDatabase> {
  db ??= openDB(DB_NAME, 1, {
    upgrade(database) {
      if (!database.objectStoreNames.contains(STORE)) database.createObjectStore(STORE);
    },
  });
  return db;
}

export function persistenceAvailable(): boolean {
  return typeof indexedDB !== 'undefined';
}

/** Saved runs that still pass the schema (a damaged record is skipped, not fatal). */
export async function loadRuns(): Promise<{ runs: SavedRun[]; skipped: number }> {
  if (!persistenceAvailable()) return { runs: [], skipped: 0 };
  const all: unknown[] = await (await open()).getAll(STORE);
  const runs: SavedRun[] = [];
  let skipped = 0;
  for (const record of all) {
    const parsed = savedRunSchema.safeParse(record);
    if (parsed.success) runs.push(parsed.data);
    else skipped++;
  }
  runs.sort((a, b) => a.savedAt.localeCompare(b.savedAt));
  return { runs, skipped };
}

export async function deleteRun(id: string): Promise<void> {
  if (!persistenceAvailable()) return;
  await (await open()).delete(STORE, id);
}

/** Coalesces saves: `schedule(view)` many times a second writes each run about once a second. */
export class RunSaver {
  #pending = new Map<string, RunView>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** First-saved time per run, so the list keeps its order across reloads. */
  #created = new Map<string, string>();

  constructor(private readonly onError: (message: string) => void) {}

  schedule(view: RunView): void {
    if (!persistenceAvailable()) return;
    this.#pending.set(view.spec.id, view);
    if (this.#timer === null) this.#timer = setTimeout(() => void this.flush(), SAVE_DELAY_MS);
  }

  forget(id: string): void {
    this.#pending.delete(id);
  }

  async flush(): Promise<void> {
    this.#timer = null;
    const batch = [...this.#pending.values()];
    this.#pending.clear();
    if (batch.length === 0) return;
    try {
      const database = await open();
      const tx = database.transaction(STORE, 'readwrite');
      for (const view of batch) {
        const created = this.#created.get(view.spec.id) ?? new Date().toISOString();
        this.#created.set(view.spec.id, created);
        await tx.store.put(toSavedRun(view, created), view.spec.id);
      }
      await tx.done;
    } catch (e) {
      this.onError(`Saving runs in this browser failed: ${(e as Error).message}`);
    }
  }

  remember(saved: SavedRun): void {
    this.#created.set(saved.spec.id, saved.savedAt);
  }
}
