/**
 * Harbour: boats and gulls ("the old ship sails past the grey tower at dawn"). Imbalance: a
 * heavily mis-weighted rubric, a huge weight on an easy criterion and a tiny one on a hard one.
 */
import { defineTask, rhymeTable, words } from '../define';

export const harbour = defineTask({
  id: 'harbour',
  name: 'Harbour: mis-weighted rubric',
  summary: 'Harbour scenes where the easy criterion weighs 10 and the hard one 0.2.',
  imbalance:
    'The easy topic criterion has weight 10 and the hard "ends at dawn" criterion weight 0.2, about ' +
    '1.5% of the static reward. While the topic varies, dawn is drowned out; once the other criteria ' +
    'saturate, the group normalisation scales what is left back up, so the static sum still learns ' +
    "dawn within about 100 steps (benchmark v4). GDPO, which weights each criterion's normalised " +
    'advantage and standardises over the whole batch, keeps it at its weight and leaves it behind. ' +
    'An aggregator that moves effort to criteria with headroom lifts it early, although it counts ' +
    'for little in the user-weighted rubric score.',
  topics: {
    train: ['gull', 'net', 'rope', 'sail', 'seal', 'dock', 'mast', 'lamp'],
    heldOut: ['tide', 'oar', 'whale', 'eel'],
  },
  lexicon: {
    wordClasses: {
      thing: words('gull net rope sail seal dock mast lamp tide oar whale eel ship boat crab'),
      place: words('harbour pier tower shore bay island beach rock slope rail dune'),
      adjective: words('old grey small slow tall wet quiet busy dull damp wide'),
      verb: words('sails waits drifts rocks turns rests floats sleeps'),
      preposition: words('past near by beyond toward'),
      time: words('dawn dusk noon night'),
    },
    rhymes: rhymeTable({
      ull: ['gull', 'dull'],
      et: ['net', 'wet'],
      ope: ['rope', 'slope'],
      ail: ['sail', 'whale', 'rail'],
      eal: ['seal', 'eel'],
      ock: ['dock', 'rock'],
      ast: ['mast', 'past'],
      amp: ['lamp', 'damp'],
      ide: ['tide', 'wide'],
      ore: ['oar', 'shore'],
      ay: ['bay', 'grey'],
      oon: ['noon', 'dune'],
    }),
  },
  maxNew: 13,
  grammar: {
    start: 'S',
    rules: {
      S: [
        ['SUBJ @verb', 1],
        ['SUBJ @verb PP', 3],
        ['SUBJ @verb at @time', 1],
        ['SUBJ @verb PP at @time', 1],
      ],
      // Another thing opens with "another", so that staying on the topic carries over to held-out
      // prompts (docs/benchmarks.md, "How a task is built"; behind a shared "the", benchmark v3,
      // held-out `topic` stalled near 0.7 at large while the training prompts reached 0.98).
      SUBJ: [
        ['the $topic', 3],
        ['the @adjective $topic', 3],
        ['another @thing', 2],
        ['another @adjective @thing', 2],
      ],
      PP: [
        ['@preposition the @place', 2],
        ['@preposition the @adjective @place', 1],
      ],
    },
  },
  defaultRubric: {
    criteria: [
      { id: 'topic', name: 'Mentions the topic', params: { kind: 'topic' }, weight: 10 },
      {
        id: 'length',
        name: 'Five to ten words',
        params: { kind: 'length', min: 5, max: 10, tolerance: 3 },
        weight: 2,
      },
      {
        id: 'place',
        name: 'Names the pier or the tower',
        params: { kind: 'includes', words: ['pier', 'tower'], mode: 'any' },
        weight: 1,
      },
      { id: 'dawn', name: 'Ends at dawn', params: { kind: 'ends-with', words: ['dawn'] }, weight: 0.2 },
    ],
  },
});
