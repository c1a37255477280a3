/**
 * A built-in task: a tiny language (vocabulary, grammar, lexicon), its prompts (topic words) and a
 * default rubric with a known imbalance, i.e. a reason why a static weighted sum struggles on it.
 */
import type { Rng } from '../random/rng';
import type { RubricInput } from '../rubric/schema';
import type { Lexicon } from '../rubric/types';
import type { Grammar, GrammarWords } from './grammar';

export interface Task {
  /** Stable identifier used in experiment files and links, e.g. `meadow`. */
  id: string;
  /** Short display name. */
  name: string;
  /** One sentence for the UI. */
  summary: string;
  /** What makes a static weighted sum struggle on this task. */
  imbalance: string;
  /** The words of the language in a fixed order (token id = 4 + index); specials excluded. */
  vocabulary: readonly string[];
  /** Prompt topics: training prompts, and held-out prompts for evaluation (disjoint). */
  topics: { train: readonly string[]; heldOut: readonly string[] };
  lexicon: Lexicon;
  /** Most generated tokens per rollout, end-of-sequence included. */
  maxNew: number;
  defaultRubric: RubricInput;
  /** The grammar behind `generateSentence`, as data (for display and for tests). */
  grammar: Grammar;
  /** What the grammar draws words from (the lexicon's classes and rhymes, held-out topics left out). */
  grammarWords: GrammarWords;
  /** One sentence of the language about `topic` (the warm-start distribution). */
  generateSentence(rng: Rng, topic: string): string[];
}

/** What a task file writes; `defineTask` derives the vocabulary and the sentence generator. */
export type TaskSpec = Omit<Task, 'vocabulary' | 'grammarWords' | 'generateSentence'>;
