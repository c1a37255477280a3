/**
 * Weather: a sky report ("the grey cloud drifts over the town tonight"). Imbalance: a noisy
 * judge on the hardest criterion.
 */
import { defineTask, rhymeTable, words } from '../define';

const COLOUR_WORDS = ['grey', 'white', 'gold', 'silver', 'blue', 'black', 'pink', 'red'];
/** RE2 alternation of the colours; the rubric asks for two of them (a binary verdict the judge can flip). */
const COLOURS = `(${COLOUR_WORDS.join('|')})`;

export const weather = defineTask({
  id: 'weather',
  name: 'Weather: a noisy judge',
  summary:
    'A one-line weather report judged partly by a noisy simulated judge that flips one verdict in five.',
  imbalance:
    'The colour criterion is judged with 20% false positives and 20% false negatives, so its observed ' +
    'pass rate is squeezed toward 50%: a true 12% looks like 27%, a true 100% like 80%. Its reward ' +
    'differences within a group are mostly noise, so under a static sum it gets a weak, noisy ' +
    'gradient and it never looks saturated; an aggregator must undo the judge to see its real headroom.',
  topics: {
    train: ['cloud', 'storm', 'rain', 'snow', 'fog', 'hail', 'sky', 'moon'],
    heldOut: ['thunder', 'gale', 'breeze', 'dew'],
  },
  lexicon: {
    wordClasses: {
      weather: words('cloud storm rain snow fog hail sky moon thunder gale breeze dew sun wind frost mist'),
      place: words('town field hills sea road roofs valley harbour bog trees'),
      colour: COLOUR_WORDS,
      adjective: words('soft heavy cold warm bright dark thin wild loud pale high'),
      verb: words('drifts falls rolls moves glows comes fades gathers'),
      preposition: words('over across above along past below under'),
      time: words('tonight today tomorrow again soon early'),
    },
    rhymes: rhymeTable({
      oud: ['cloud', 'loud'],
      orm: ['storm', 'warm'],
      ain: ['rain', 'again'],
      ow: ['snow', 'below'],
      og: ['fog', 'bog'],
      ail: ['hail', 'gale', 'pale'],
      y: ['sky', 'high'],
      oon: ['moon', 'soon'],
      under: ['thunder', 'under'],
      eeze: ['breeze', 'trees'],
      ew: ['dew', 'blue'],
      ay: ['today', 'grey'],
      ight: ['tonight', 'white', 'bright'],
    }),
  },
  maxNew: 12,
  grammar: {
    start: 'S',
    rules: {
      S: [
        ['SUBJ @verb', 1],
        ['SUBJ @verb PP', 3],
        ['SUBJ @verb @time', 1],
        ['SUBJ @verb PP @time', 2],
      ],
      SUBJ: [
        ['the MOD $topic', 3],
        ['MOD $topic', 1],
        ['the MOD @weather', 3],
      ],
      MOD: [
        ['', 2],
        ['@adjective', 2],
        ['@colour', 2],
        ['@adjective @colour', 1],
        ['@colour and @colour', 0.4],
      ],
      PP: [
        ['@preposition the @place', 3],
        ['@preposition the @colour @place', 1],
      ],
    },
  },
  defaultRubric: {
    criteria: [
      { id: 'topic', name: 'Mentions the topic', params: { kind: 'topic' }, weight: 1 },
      {
        id: 'length',
        name: 'Five to nine words',
        params: { kind: 'length', min: 5, max: 9, tolerance: 3 },
        weight: 1,
      },
      {
        id: 'when',
        name: 'Ends with when',
        params: { kind: 'ends-with', words: ['tonight', 'today', 'tomorrow'] },
        weight: 1,
      },
      {
        id: 'colourful',
        name: 'Two colours (noisy judge)',
        params: { kind: 'regex', pattern: `\\b${COLOURS}\\b.*\\b${COLOURS}\\b` },
        weight: 1,
        judge: { fp: 0.2, fn: 0.2 },
      },
    ],
  },
});
