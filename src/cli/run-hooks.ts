/**
 * The trainer hooks (`TrainerHooks`) that the CLI passes to each run it trains, by variant name
 * (`run` in its own process; `compare`, `paper` and `reach` in their parallel worker processes). Empty in normal use: the CLI never sets them, and no experiment file or link can
 * carry them. A test sets them from a module it preloads (`node --import`, inherited by the
 * parallel worker processes, which are forked with the parent's flags), so that the handling of a
 * failed run is tested through the real entry point without a test switch in the CLI itself.
 */
import type { TrainerHooks } from '../core/train/types';

export type RunHooksFor = (variant: string) => TrainerHooks;

let hooksFor: RunHooksFor = () => ({});

export function setRunHooks(next: RunHooksFor): void {
  hooksFor = next;
}

export function runHooksFor(variant: string): TrainerHooks {
  return hooksFor(variant);
}
