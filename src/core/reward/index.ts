/** The reward core: scores -> advantages under static, gdpo, sa-mrpo, worst and focal. */
export { computeAdvantages, AGGREGATORS } from './advantages';
export type { Aggregator, AggregatorArgs } from './aggregators';
export {
  METHODS,
  defaultMethodConfig,
  methodConfigSchema,
  type Method,
  type MethodConfig,
  type MethodConfigInput,
} from './config';
export { focalCoefficients, projectRate, updateSaturation } from './focal';
export { advantageInputSchema, focalStateSchema, judgeRatesSchema, validateAdvantageInput } from './input';
export { saturationWeights } from './reweight';
export { EPS } from './stats';
export type { AdvantageInput, AdvantageResult, FocalState, JudgeRates } from './types';
