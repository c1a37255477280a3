/** Metric records as CSV: one row per step, one column per scalar and per criterion. */
import type { MetricRecord } from './types';

const SCALARS = [
  'step',
  'rubricScore',
  'worstScore',
  'allPassRate',
  'kl',
  'entropy',
  'loss',
  'clipFraction',
  'gradNorm',
  'advantageMean',
  'advantageStd',
  'zeroStdShare',
  'meanLength',
  'msSample',
  'msScore',
  'msUpdate',
] as const;

export function metricsToCsv(
  records: readonly MetricRecord[],
  criterionIds: readonly string[],
  prefix: Record<string, string | number> = {},
): string {
  const extra = Object.keys(prefix);
  const header = [
    ...extra,
    ...SCALARS,
    ...criterionIds.map((id) => `score:${id}`),
    ...criterionIds.map((id) => `weight:${id}`),
    ...criterionIds.map((id) => `saturation:${id}`),
  ];
  const rows = records.map((r) =>
    [
      ...extra.map((k) => prefix[k]),
      ...SCALARS.map((k) => r[k]),
      ...r.criterionMeans,
      ...r.effectiveWeights,
      ...r.saturation,
    ].join(','),
  );
  return [header.join(','), ...rows].join('\n') + '\n';
}
