/**
 * What the app needs of the training pool (`src/client/pool.ts`): the typed commands, adding a
 * run, and a subscription to batched run views. Kept as an interface so that the state can be
 * driven by a fake in tests and by the real pool in the page.
 */
import type { RunCommands } from '../../client/pool';
import type { RunSpec, RunView } from '../../core/records/run';
import type { Checkpoint } from '../../core/train/types';

export interface RunPoolPort extends Omit<RunCommands, 'edit'> {
  add(spec: RunSpec, options?: { autoStart?: boolean }): void;
  /** Resolves with the problems the trainer found (nothing applied when there are any). */
  edit(id: string, edit: Parameters<RunCommands['edit']>[1]): Promise<{ path: string; message: string }[]>;
  /** The run's last good checkpoint (kept on the main thread), saved with the run. */
  checkpointOf(id: string): Checkpoint | null;
  /** Registers a run without a worker (restored from storage) so that `resume` can continue it. */
  adopt(view: RunView, checkpoint: Checkpoint | null): void;
  subscribe(listener: (runs: RunView[], changed: ReadonlySet<string>) => void): () => void;
}
