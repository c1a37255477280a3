/**
 * Warm-started weights kept in IndexedDB, so that a second run of the same task, size and seed
 * (a comparison, a rerun, a reload) skips the warm start. Keyed by backend too: backends agree
 * statistically, not bit for bit, and the same seed and backend must reproduce the same run.
 * The store is an optimisation: when IndexedDB is unavailable or fails, runs warm-start as usual.
 */
import { openDB, type IDBPDatabase } from 'idb';
import type { WeightMatrix } from '../core/train/types';

const DB_NAME = 'focal-lab-warm-starts';
const STORE = 'weights';
/** Entries kept; the oldest go first. */
const MAX_ENTRIES = 24;

let db: Promise<IDBPDatabase> | null = null;

function open(): Promise<IDBPDatabase> {
  db ??= openDB(DB_NAME, 1, { upgrade: (database) => database.createObjectStore(STORE) });
  return db;
}

export function warmStartStore(backend: string) {
  const available = typeof indexedDB !== 'undefined';
  return {
    async get(key: string): Promise<WeightMatrix[] | undefined> {
      if (!available) return undefined;
      try {
        const entry = (await (await open()).get(STORE, `${backend}:${key}`)) as
          { weights: WeightMatrix[] } | undefined;
        return entry?.weights;
      } catch (error) {
        console.warn('warm-start store unavailable:', error);
        return undefined;
      }
    },
    async set(key: string, weights: WeightMatrix[]): Promise<void> {
      if (!available) return;
      try {
        const database = await open();
        await database.put(STORE, { weights, savedAt: Date.now() }, `${backend}:${key}`);
        const keys = await database.getAllKeys(STORE);
        if (keys.length > MAX_ENTRIES) {
          const entries = await Promise.all(
            keys.map(async (k) => ({
              k,
              at: ((await database.get(STORE, k)) as { savedAt: number }).savedAt,
            })),
          );
          entries.sort((a, b) => a.at - b.at);
          for (const { k } of entries.slice(0, keys.length - MAX_ENTRIES)) await database.delete(STORE, k);
        }
      } catch (error) {
        console.warn('warm-start store unavailable:', error);
      }
    },
  };
}
