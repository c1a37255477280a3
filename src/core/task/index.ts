/**
 * The built-in tasks (benchmarks), each with a known imbalance; see docs/benchmarks.md.
 */
import { diary } from './tasks/diary';
import { harbour } from './tasks/harbour';
import { kitchen } from './tasks/kitchen';
import { market } from './tasks/market';
import { meadow } from './tasks/meadow';
import { weather } from './tasks/weather';
import type { Task } from './types';

export const TASKS: readonly Task[] = [meadow, market, weather, kitchen, harbour, diary];
export const TASK_IDS: readonly string[] = TASKS.map((t) => t.id);

export function getTask(id: string): Task {
  const task = TASKS.find((t) => t.id === id);
  if (!task) throw new Error(`unknown task "${id}" (known: ${TASK_IDS.join(', ')})`);
  return task;
}

export type { Task, TaskSpec } from './types';
export type { Grammar, Alternative } from './grammar';
export {
  SPECIAL,
  PROMPT_LENGTH,
  vocabularyOf,
  encodePrompt,
  decodeRollout,
  buildCorpus,
  tokenOf,
  sequenceLength,
} from './tokenizer';
