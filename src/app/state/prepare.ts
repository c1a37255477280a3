/**
 * Work done ahead of Run, so that a run starts at once (issue 10, "the first minute"): while the page
 * sits with an experiment in the editor, the `auto` backend is measured for its model size (once per
 * browser and app version; Run then waits for that same probe) and the zoo checkpoint it starts from
 * is fetched into the Cache Storage, where the run's worker finds it.
 */
import type { ExperimentCore } from '../../core/experiment/schema';
import type { BackendChoice } from '../../core/experiment/schema';
import { zooEntry } from '../../core/zoo/manifest';
import { fetchZooSource } from '../../../workers/zoo-fetch';
import type { RunsState } from './runs.svelte';

/** Wait this long after the last edit before preparing, so typing never starts a probe. */
export const PREPARE_DELAY_MS = 1500;

const zoo = fetchZooSource();
const fetched = new Set<string>();

async function prefetchBase(config: ExperimentCore): Promise<void> {
  if (config.base !== 'zoo') return;
  const key = `${config.task}/${config.model.size}`;
  if (fetched.has(key)) return;
  fetched.add(key);
  try {
    const entry = zooEntry(await zoo.manifest(), config.task, config.model.size);
    await zoo.bytes(entry.file, entry.sha256);
  } catch {
    // Only a head start: the run fetches (and reports a failure) itself.
    fetched.delete(key);
  }
}

/** Measure `auto` and fetch the base for this setup; errors are left to the run itself. */
export function prepare(runs: RunsState, config: ExperimentCore, backend: BackendChoice): void {
  void prefetchBase(config);
  if (backend === 'auto') runs.resolveAuto(config).catch(() => undefined);
}
