/**
 * Snapshots of the selected live run for the rollout inspector and the weight heatmaps: about once
 * a second while it steps, and once after each single step. Create it during a component's
 * initialisation (it owns an effect, cleaned up with the component).
 */
import type { RunSnapshot } from '../../../workers/protocol';
import type { RunView } from '../../core/records/run';
import type { RunsState } from './runs.svelte';

const POLL_MS = 1000;

export class SnapshotPoller {
  /** The latest snapshot of the selected live run; null when none is selected or live. */
  current: RunSnapshot | null = $state.raw(null);

  constructor(runs: RunsState, selected: () => RunView | null) {
    const key = $derived.by(() => {
      const run = selected();
      if (!run || !runs.isLive(run.spec.id)) return null;
      const stepKey = run.status === 'running' ? 'running' : String(run.metrics.length);
      return `${run.spec.id}|${run.status}|${stepKey}`;
    });
    $effect(() => {
      if (key === null) {
        this.current = null;
        return;
      }
      const [id, status] = key.split('|');
      let cancelled = false;
      const fetch = async (): Promise<void> => {
        const next = await runs.snapshot(id);
        if (!cancelled && next) this.current = next;
      };
      void fetch();
      if (status !== 'running') return () => (cancelled = true);
      const timer = setInterval(() => void fetch(), POLL_MS);
      return () => {
        cancelled = true;
        clearInterval(timer);
      };
    });
  }
}
