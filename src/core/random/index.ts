export { Rng, randomStreams, type RandomPurpose, type RandomStreams } from './rng';
