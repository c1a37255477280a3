/**
 * Diary: a line of a child's diary ("i saw my small dog near the park and we walked home"). Imbalance:
 * two criteria that a degenerate, very short output satisfies for free.
 */
import { defineTask, rhymeTable, words } from '../define';

export const diary = defineTask({
  id: 'diary',
  name: 'Diary: degenerate shortcut',
  summary: 'Diary lines where two criteria are met for free by saying almost nothing.',
  imbalance:
    'A one-word output passes "no repeated word" and "avoids and, then, but" at once, two thirds of ' +
    'the static reward, and the topic word alone earns five sixths, more than a typical warm-start ' +
    'sentence. A static sum therefore pulls the policy toward degenerate, very short outputs that ' +
    'fail the length criterion; the honest solution (one long clause about the topic, no repeats) is rare.',
  topics: {
    train: ['dog', 'cat', 'bird', 'dad', 'cook', 'mouse', 'bear', 'hen'],
    heldOut: ['clown', 'king', 'frog', 'rat'],
  },
  lexicon: {
    wordClasses: {
      pronoun: words('i we she he they'),
      being: words('dog cat bird dad cook mouse bear hen clown king frog rat teacher uncle'),
      place: words('school park town shop garden river house fair brook swing'),
      adjective: words('small big kind loud happy tired new funny sad glad'),
      transitive: words('saw met found heard followed fed liked helped'),
      intransitive: words('walked ran laughed waited slept played'),
      preposition: words('at near behind'),
      connector: words('and then but'),
    },
    rhymes: rhymeTable({
      og: ['dog', 'frog'],
      at: ['cat', 'rat'],
      ird: ['bird', 'heard'],
      ad: ['dad', 'sad', 'glad'],
      ook: ['cook', 'brook'],
      ouse: ['mouse', 'house'],
      air: ['bear', 'fair'],
      en: ['hen', 'then'],
      own: ['clown', 'town'],
      ing: ['king', 'swing'],
    }),
  },
  maxNew: 16,
  grammar: {
    start: 'S',
    rules: {
      S: [
        ['CLAUSE', 4],
        ['CLAUSE and CLAUSE2', 2],
        ['CLAUSE then CLAUSE2', 1],
        ['CLAUSE but CLAUSE2', 1],
      ],
      CLAUSE: [
        ['@pronoun @transitive OBJ', 3],
        ['@pronoun @transitive OBJ PP', 2],
        ['@pronoun @intransitive PP', 1],
      ],
      CLAUSE2: [
        ['@pronoun @intransitive', 2],
        ['@pronoun @intransitive home', 1],
        ['@pronoun @transitive OBJ', 2],
      ],
      OBJ: [
        ['my $topic', 2],
        ['the $topic', 1],
        ['my @adjective $topic', 2],
        ['a @adjective @being', 2],
        ['the @being', 1],
      ],
      PP: [
        ['@preposition the @place', 2],
        ['@preposition the @adjective @place', 1],
      ],
    },
  },
  defaultRubric: {
    criteria: [
      { id: 'topic', name: 'Mentions the topic', params: { kind: 'topic' }, weight: 1 },
      {
        id: 'long',
        name: 'Eight to fourteen words',
        params: { kind: 'length', min: 8, max: 14, tolerance: 4 },
        weight: 1,
      },
      { id: 'no-repeat', name: 'No repeated word', params: { kind: 'no-repeat' }, weight: 2 },
      {
        id: 'calm',
        name: 'Avoids and, then, but',
        params: { kind: 'avoids', words: ['and', 'then', 'but'] },
        weight: 2,
      },
    ],
  },
});
