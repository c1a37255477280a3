/**
 * The lab's subcommands. Adding one is one line here: a name, a summary, and a lazy import of a
 * module that exports `run(argv): Promise<number>` (the exit code). Lazy, so that `--help` and
 * light commands never load the heavy ones (TensorFlow.js).
 */

export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

interface CommandModule {
  run(argv: string[]): Promise<number>;
}

const lazy = (summary: string, load: () => Promise<CommandModule>): Command => ({
  summary,
  run: async (argv) => (await load()).run(argv),
});

export const COMMANDS: Record<string, Command> = {
  advantages: lazy(
    'advantages of one batch of scores under a method (JSON in, JSON out)',
    () => import('./advantages'),
  ),
  paper: lazy(
    'focal vs the strongest static aggregation on every task x size; writes docs/results.md',
    () => import('./paper'),
  ),
  run: lazy(
    'train one configuration of an experiment file or share link headless, with a summary',
    () => import('./run'),
  ),
  bench: lazy(
    'milliseconds per RL step and tokens per second, per backend and size',
    () => import('./bench'),
  ),
  export: lazy(
    'write an experiment as a Python package for Hugging Face TRL (--to trl --out DIR)',
    () => import('./export'),
  ),
  reach: lazy(
    'train on each default criterion alone per task x size: is it reachable (>= 0.8) in the budget?',
    () => import('./reach'),
  ),
  zoo: lazy(
    'train the model zoo (a base policy per task x size, to a quality target) into public/zoo',
    () => import('./zoo'),
  ),
  compare: lazy(
    'run every variant x seed of an experiment file or share link (or read a results file) and print a comparison table',
    () => import('./compare'),
  ),
  dial: lazy(
    'the polarisation dial: focal vs every baseline as the imbalance is turned up; writes docs/dial.json',
    () => import('./dial'),
  ),
  rates: lazy(
    "each criterion's pass rate and mean on the task's corpus and the starting policy, before training",
    () => import('./rates'),
  ),
};
