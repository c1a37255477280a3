/**
 * Where base policies come from in this process: the environment registers a source once (the CLI
 * and tests read public/zoo from disk, the worker fetches from the site), and the trainer loads
 * from it. Loaded weights are kept per task and size, so a sweep loads each checkpoint once.
 */
import type { ModelSize } from '../experiment/schema';
import type { WeightArray } from '../policy';
import { loadBase, type ZooSource } from './manifest';

let source: ZooSource | null = null;
const loaded = new Map<string, Promise<WeightArray[]>>();

export function setZooSource(next: ZooSource | null): void {
  source = next;
  loaded.clear();
}

/** The base policy of `task` at `size`, hash-checked; fails with a message when there is no zoo. */
export function zooWeights(task: string, size: ModelSize): Promise<WeightArray[]> {
  if (!source)
    return Promise.reject(
      new Error(`no model zoo is available here to load the base policy of ${task}/${size} (base "zoo")`),
    );
  const key = `${task}/${size}`;
  let weights = loaded.get(key);
  if (!weights) {
    weights = loadBase(source, task, size);
    // A failed load (network, bad hash) is not cached, so a retry can succeed.
    weights.catch(() => loaded.delete(key));
    loaded.set(key, weights);
  }
  return weights;
}
