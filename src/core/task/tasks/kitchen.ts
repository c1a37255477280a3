/**
 * Kitchen: one recipe step ("then stir the warm honey in the pot slowly"). Imbalance: seven
 * criteria of mixed difficulty, from one that is mostly met already to ones met one time in ten.
 */
import { defineTask, rhymeTable, words } from '../define';

export const kitchen = defineTask({
  id: 'kitchen',
  name: 'Kitchen: many criteria',
  summary: 'A recipe step scored by seven criteria of very different difficulty.',
  imbalance:
    'With seven criteria the easy ones (length, topic) saturate early while the hard ones (something warm ' +
    'or hot, ending on slowly or gently, no repeated word) stay low. In a static sum each hard ' +
    'criterion is a small slice of the reward, its rare successes are averaged away among the easy ' +
    'criteria, and the sum can keep rising while the worst criterion does not move.',
  topics: {
    train: ['rice', 'bread', 'flour', 'honey', 'cream', 'meat', 'fish', 'cake'],
    heldOut: ['lime', 'jam', 'soup', 'cheese'],
  },
  lexicon: {
    wordClasses: {
      ingredient: words(
        'rice bread flour honey cream meat fish cake lime jam soup cheese milk butter sugar egg water thyme ham',
      ),
      verb: words('stir mix bake pour chop whisk heat add spread steam dice scoop'),
      adjective: words('warm hot cold sweet fresh soft thick fine sour runny'),
      utensil: words('bowl pan pot oven jar plate cup dish'),
      preposition: words('in into with on'),
      adverb: words('slowly gently well quickly twice again'),
      opener: words('then now first next please'),
    },
    rhymes: rhymeTable({
      ice: ['rice', 'twice', 'dice'],
      ed: ['bread', 'spread'],
      our: ['flour', 'sour'],
      oney: ['honey', 'runny'],
      eam: ['cream', 'steam'],
      eat: ['meat', 'heat', 'sweet'],
      ish: ['fish', 'dish'],
      ake: ['cake', 'bake'],
      ime: ['lime', 'thyme'],
      am: ['jam', 'ham'],
      oop: ['soup', 'scoop'],
      eese: ['cheese', 'please'],
      ot: ['pot', 'hot'],
    }),
  },
  maxNew: 14,
  grammar: {
    start: 'S',
    rules: {
      S: [
        ['CLAUSE', 3],
        ['@opener CLAUSE', 2],
      ],
      CLAUSE: [
        ['@verb NP', 1],
        ['@verb NP PP', 3],
        ['@verb NP @adverb', 1],
        ['@verb NP PP @adverb', 2],
        ['@verb NP and NP', 1],
      ],
      NP: [
        ['the $topic', 3],
        ['the @adjective $topic', 2],
        ['some $topic', 1],
        ['the @ingredient', 2],
        ['the @adjective @ingredient', 2],
      ],
      PP: [
        ['@preposition the @utensil', 3],
        ['@preposition my @utensil', 1],
        ['@preposition the @adjective @utensil', 1],
      ],
    },
  },
  defaultRubric: {
    criteria: [
      { id: 'topic', name: 'Mentions the topic', params: { kind: 'topic' }, weight: 2 },
      {
        id: 'length',
        name: 'Five to eight words',
        params: { kind: 'length', min: 5, max: 8, tolerance: 2 },
        weight: 1,
      },
      {
        id: 'verb-first',
        name: 'Starts with stir, mix or whisk',
        params: { kind: 'starts-with', words: ['stir', 'mix', 'whisk'] },
        weight: 1,
      },
      {
        id: 'utensil',
        name: 'Names a bowl, pan or pot',
        params: { kind: 'includes', words: ['bowl', 'pan', 'pot'], mode: 'any' },
        weight: 1,
      },
      { id: 'no-repeat', name: 'No repeated word', params: { kind: 'no-repeat' }, weight: 1 },
      {
        id: 'gentle',
        name: 'Ends on slowly or gently',
        params: { kind: 'ends-with', words: ['slowly', 'gently'] },
        weight: 1.5,
      },
      {
        id: 'warm',
        name: 'Something warm or hot',
        params: { kind: 'regex', pattern: '\\b(warm|hot) \\w+' },
        weight: 0.5,
      },
    ],
  },
});
