/**
 * Work done ahead of Run, so that a run starts at once (issue 10, "the first minute"): while the page
 * sits with an experiment in the editor, the `auto` backend is measured for its model size (once per
 * browser and app version; Run then waits for that same probe) and the zoo checkpoint it starts from
 * is fetched into the Cache Storage, where the run's worker finds it.
 */
import type { BackendChoice, ExperimentCore } from '../../core/experiment/schema';
import { zooEntry, type ZooSource } from '../../core/zoo/manifest';
import { fetchZooSource } from '../../web/zoo-fetch';
import type { RunsState } from './runs.svelte';

/** Wait this long after the last edit before preparing, so typing never starts a probe. */
export const PREPARE_DELAY_MS = 1500;

let zooSource: ZooSource | null = null;
// The page's document sits at the site root, where public/ (and so the zoo) is served.
const zoo = (): ZooSource => (zooSource ??= fetchZooSource(new URL('./', document.baseURI)));
// Bookkeeping only: nothing renders from it, so it needs no reactivity.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const fetched = new Set<string>();

async function prefetchBase(config: ExperimentCore): Promise<void> {
  if (config.base !== 'zoo') return;
  const key = `${config.task}/${config.model.size}`;
  if (fetched.has(key)) return;
  fetched.add(key);
  try {
    const entry = zooEntry(await zoo().manifest(), config.task, config.model.size);
    await zoo().bytes(entry.file, entry.sha256);
  } catch {
    // Only a head start: the run fetches (and reports a failure) itself.
    fetched.delete(key);
  }
}

/** Measure `auto` and fetch the base for this setup; errors are left to the run itself. */
function prepare(runs: RunsState, config: ExperimentCore, backend: BackendChoice): void {
  void prefetchBase(config);
  if (backend === 'auto') runs.resolveAuto(config).catch(() => undefined);
}

/**
 * Prepares the setup `PREPARE_DELAY_MS` after it last changed. Create it during a component's
 * initialisation (it owns an effect, cleaned up with the component).
 */
export function prepareAhead(
  runs: RunsState,
  setup: () => { config: ExperimentCore; backend: BackendChoice } | null,
): void {
  $effect(() => {
    const current = setup();
    if (!current) return;
    const config = $state.snapshot(current.config) as ExperimentCore;
    const timer = setTimeout(() => prepare(runs, config, current.backend), PREPARE_DELAY_MS);
    return () => clearTimeout(timer);
  });
}
