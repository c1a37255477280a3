/**
 * Market: a fruit stall ("the ripe red plum sits in the big basket"). Imbalance: a conflicting
 * pair, short output against rich description (three adjectives in at most five words).
 */
import { defineTask, rhymeTable, words } from '../define';

export const market = defineTask({
  id: 'market',
  name: 'Market: short but descriptive',
  summary: 'Sentences about produce at a market stall that must be short yet carry three adjectives.',
  imbalance:
    'Brevity and description pull against each other: most short sentences have at most one adjective, ' +
    'and most descriptive ones are long. A static sum lets the policy trade one for the other (the ' +
    'shortness criterion is cheaper to climb), so one criterion rises while the other falls, and ' +
    'outputs that satisfy both are rare in the warm-start distribution.',
  topics: {
    train: ['pear', 'peach', 'fig', 'bean', 'nut', 'kale', 'cherry', 'date'],
    heldOut: ['beet', 'leek', 'berry', 'pea'],
  },
  lexicon: {
    wordClasses: {
      produce: words('pear peach fig bean nut kale cherry date beet leek berry pea apple plum lemon melon'),
      place: words('basket crate table bowl cart stall chair beach hut pail tree'),
      adjective: words('ripe red fresh sweet green big small round yellow juicy soft cheap sleek'),
      verb: words('sits rolls shines waits rests'),
      preposition: words('in on by near'),
    },
    rhymes: rhymeTable({
      air: ['pear', 'chair'],
      each: ['peach', 'beach'],
      ig: ['fig', 'big'],
      een: ['bean', 'green'],
      ut: ['nut', 'hut'],
      ail: ['kale', 'pail'],
      erry: ['cherry', 'berry'],
      ate: ['date', 'crate'],
      eet: ['beet', 'sweet'],
      eek: ['leek', 'sleek'],
      ee: ['pea', 'tree'],
      all: ['small', 'stall'],
    }),
  },
  maxNew: 12,
  grammar: {
    start: 'S',
    rules: {
      S: [
        ['SUBJ VP', 3],
        ['SUBJ VP PP', 3],
        ['SUBJ is @adjective', 2],
        ['SUBJ is @adjective and @adjective', 1],
      ],
      // Other produce opens with "another", so that staying on the topic carries over to held-out
      // prompts (docs/benchmarks.md, "How a task is built"; behind a shared determiner, benchmark
      // v3, held-out `topic` fell back at medium while the training prompts saturated).
      SUBJ: [
        ['DET ADJS $topic', 3],
        ['another ADJS @produce', 2],
      ],
      DET: [
        ['the', 3],
        ['this', 1],
        ['', 1],
      ],
      ADJS: [
        ['', 3],
        ['@adjective', 4],
        ['@adjective @adjective', 2],
        ['@adjective @adjective @adjective', 0.7],
      ],
      VP: ['@verb'],
      PP: ['@preposition the @place', '@preposition the @adjective @place'],
    },
  },
  defaultRubric: {
    criteria: [
      { id: 'topic', name: 'Mentions the topic', params: { kind: 'topic' }, weight: 1 },
      {
        id: 'short',
        name: 'At most five words',
        params: { kind: 'length', min: 1, max: 5, tolerance: 3 },
        weight: 1,
      },
      {
        id: 'descriptive',
        name: 'Three adjectives',
        params: { kind: 'word-class', wordClass: 'adjective', min: 3 },
        weight: 1,
      },
    ],
  },
});
