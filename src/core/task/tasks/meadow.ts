/**
 * Meadow: nature sentences ("the quiet fox sleeps near the cold lake"). Imbalance: an easy
 * criterion (mention the topic) beside a hard one (end on a word that rhymes with the topic).
 */
import { defineTask, rhymeTable, words } from '../define';

const RHYMES = {
  ox: ['fox', 'box', 'ox'],
  ill: ['hill', 'mill', 'rill'],
  ake: ['lake', 'snake', 'drake'],
  ee: ['tree', 'bee', 'sea'],
  og: ['frog', 'log', 'fog'],
  oon: ['moon', 'spoon', 'lagoon'],
  ain: ['rain', 'crane', 'plain', 'again'],
  ight: ['night', 'light', 'kite', 'tonight'],
  one: ['stone', 'bone', 'cone'],
  ell: ['bell', 'well', 'shell'],
};

export const meadow = defineTask({
  id: 'meadow',
  name: 'Meadow: easy topic, hard rhyme',
  summary: 'Nature sentences about a topic word; mentioning the topic is easy, ending on a rhyme is hard.',
  imbalance:
    'Mentioning the topic starts near 60% and saturates within a few steps, while the rhyme starts ' +
    'near 20%. Under a static sum the easy criteria carry most of the early within-group variance and ' +
    'set the direction of the first updates, and the fixed weights never shift effort toward the ' +
    'lagging criterion. Every aggregation still learns the rhyme within about 100 steps (benchmarks v3 and v4), ' +
    'so the imbalance shows in the early curves rather than at the end.',
  topics: {
    train: ['fox', 'hill', 'lake', 'tree', 'frog', 'moon', 'rain', 'stone'],
    // Each held-out topic shares its rhyme class with one training topic (mill/hill, spoon/moon,
    // log/frog, sea/tree), so that the rhyme words RL rewards on the training prompts are rhymes
    // of the held-out topics too. Before, two held-out topics (night, bell) had classes no training
    // topic was in, and they lost their rhymes under RL ("the night sees its own bone").
    heldOut: ['mill', 'spoon', 'log', 'sea'],
  },
  lexicon: {
    wordClasses: {
      noun: Object.values(RHYMES)
        .flat()
        .filter((w) => w !== 'again' && w !== 'tonight'),
      adjective: words('red cold quick quiet green grey bright small wild dark'),
      verb: words('runs sleeps sings waits rests hides jumps shines'),
      transitive: words('sees finds follows watches'),
      preposition: words('near by under over beside'),
      adverb: words('slowly softly again tonight'),
    },
    rhymes: rhymeTable(RHYMES),
  },
  maxNew: 12,
  grammar: {
    start: 'S',
    rules: {
      S: [
        ['SUBJ VP', 1],
        ['SUBJ VP PP', 3],
        ['SUBJ @transitive END', 2],
        ['SUBJ VP @adverb', 1],
      ],
      SUBJ: [
        ['the $topic', 2],
        ['the @adjective $topic', 2],
        ['NP', 3],
      ],
      NP: ['the @noun', 'the @adjective @noun', 'a @adjective @noun'],
      // The sentence's last noun: one time in four a rhyme of the topic ("... near its own box").
      // - It opens with words of its own ("its own"): choosing to rhyme is one decision that reads
      //   the same under every prompt, so RL on the training topics raises it for the held-out
      //   ones too. Behind a plain "the" (benchmark v3) it was a different word per topic.
      // - It is common enough that a base policy within the zoo's loss target knows which words
      //   rhyme with which topic: at weight 0.3 the whole mapping was worth about 0.03 nats per
      //   token, the target's own margin, and the small policy shipped without it (docs/benchmarks.md,
      //   `meadow`).
      END: ['the @noun', 'the @adjective @noun', 'a @adjective @noun', 'its own $rhyme'],
      VP: ['@verb'],
      PP: ['@preposition END'],
    },
  },
  defaultRubric: {
    criteria: [
      { id: 'topic', name: 'Mentions the topic', params: { kind: 'topic' }, weight: 1 },
      {
        id: 'length',
        name: 'Six to nine words',
        params: { kind: 'length', min: 6, max: 9, tolerance: 3 },
        weight: 1,
      },
      { id: 'rhyme', name: 'Ends on a rhyme of the topic', params: { kind: 'rhyme' }, weight: 1 },
    ],
  },
});
