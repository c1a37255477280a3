/**
 * The dial's points: one dial at a time moved away from a centre, so that each dial's effect is
 * read with the other three held fixed. Four dials of 4, 3, 3 and 3 values share the centre: 10
 * distinct points, each with a stable id (`centre`, `baseRate=0.02`, `conflict=strong`, ...).
 */
import type { DialDefinition, DialId, DialSetting } from './results';

export const DIAL_CENTRE: DialSetting = { baseRate: 0.05, weightShare: 0.1, conflict: 'mild', criteria: 6 };

export const DIAL_AXES: {
  id: DialId;
  label: string;
  values: readonly (number | DialSetting['conflict'])[];
}[] = [
  { id: 'baseRate', label: 'Base rate of the lagging criterion (corpus)', values: [0.02, 0.05, 0.1, 0.2] },
  { id: 'weightShare', label: "Lagging criterion's share of the weight", values: [0.05, 0.1, 0.25] },
  { id: 'conflict', label: 'Conflict with a length cap', values: ['none', 'mild', 'strong'] },
  { id: 'criteria', label: 'Criteria in the rubric', values: [4, 6, 12] },
];

export interface DialPointSpec {
  id: string;
  label: string;
  setting: DialSetting;
  /** Dials this point lies on (the centre: all four). */
  dials: DialId[];
}

const isCentre = (id: DialId, value: number | string) => DIAL_CENTRE[id] === value;

export function pointId(id: DialId, value: number | string): string {
  return isCentre(id, value) ? 'centre' : `${id}=${value}`;
}

function label(setting: DialSetting): string {
  return (
    `base rate ${setting.baseRate}, weight share ${setting.weightShare}, ` +
    `conflict ${setting.conflict}, ${setting.criteria} criteria`
  );
}

/** The distinct points, the centre first, then each dial's other values in order. */
export function dialPoints(): DialPointSpec[] {
  const points: DialPointSpec[] = [
    { id: 'centre', label: label(DIAL_CENTRE), setting: DIAL_CENTRE, dials: DIAL_AXES.map((a) => a.id) },
  ];
  for (const axis of DIAL_AXES)
    for (const value of axis.values) {
      if (isCentre(axis.id, value)) continue;
      const setting = { ...DIAL_CENTRE, [axis.id]: value } as DialSetting;
      points.push({ id: pointId(axis.id, value), label: label(setting), setting, dials: [axis.id] });
    }
  return points;
}

/** The dial definitions a results file carries: each value and the point that realises it. */
export function dialDefinitions(): DialDefinition[] {
  return DIAL_AXES.map((axis) => ({
    id: axis.id,
    label: axis.label,
    values: axis.values.map((value) => ({ value, point: pointId(axis.id, value) })),
  }));
}

/**
 * A point named by its id or as any dial at one of its values: `baseRate=0.05` is the centre,
 * since the centre lies on every dial. Undefined when the name matches no point.
 */
export function findPoint(name: string): DialPointSpec | undefined {
  const points = dialPoints();
  const exact = points.find((p) => p.id === name);
  if (exact) return exact;
  const match = /^([A-Za-z]+)=(.+)$/.exec(name.trim());
  if (!match) return undefined;
  const axis = DIAL_AXES.find((a) => a.id === match[1]);
  const value = axis?.values.find((v) => String(v) === match[2] || Number(v) === Number(match[2]));
  return axis && value !== undefined ? points.find((p) => p.id === pointId(axis.id, value)) : undefined;
}
