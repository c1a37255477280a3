/**
 * Several dial results files as one: the dial is often run in parts (the small policy on every
 * point, the medium one on a few, in separate processes), and a reader wants one file with one
 * family of tests. Points and sizes are united; Holm's correction is recomputed over the merged
 * family, since a gain's corrected p depends on every other test of its metric in the file.
 */
import { withHolm } from './analyse';
import type { DialArm, DialPoint, DialResults } from './results';

/** Why the files cannot be one dial (different settings would make their gains incomparable). */
export class DialMergeError extends Error {}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function check(first: DialResults, other: DialResults, i: number): void {
  const fields = ['task', 'seeds', 'tuningSeeds', 'steps', 'eval', 'centre', 'predictions'] as const;
  for (const field of fields)
    if (!same(first[field], other[field]))
      throw new DialMergeError(
        `file ${i + 1} differs from file 1 in "${field}": a dial merges only runs of the same settings`,
      );
}

function unionArms(files: readonly DialResults[]): DialArm[] {
  const arms: DialArm[] = [];
  for (const file of files)
    for (const arm of file.arms) {
      const known = arms.find((a) => a.id === arm.id);
      if (!known) arms.push(arm);
      else if (!same(known, arm))
        throw new DialMergeError(`arm "${arm.id}" is defined differently in two files`);
    }
  return arms;
}

function withoutSizes(point: DialPoint): Omit<DialPoint, 'sizes'> {
  const { sizes, ...rest } = point;
  void sizes;
  return rest;
}

function unionPoints(files: readonly DialResults[]): DialPoint[] {
  const points: DialPoint[] = [];
  for (const file of files)
    for (const point of file.points) {
      const known = points.find((p) => p.id === point.id);
      if (!known) {
        points.push({ ...point, sizes: point.sizes.map((s) => ({ ...s })) });
        continue;
      }
      if (!same(withoutSizes(known), withoutSizes(point)))
        throw new DialMergeError(`point "${point.id}" has a different rubric or setting in two files`);
      for (const size of point.sizes) {
        if (known.sizes.some((s) => s.size === size.size))
          throw new DialMergeError(`point "${point.id}" at size ${size.size} is in two files`);
        known.sizes.push({ ...size });
      }
    }
  return points;
}

/**
 * One results file from `files` (at least one), in the order given: arms, sizes and points united,
 * every gain's Holm correction and verdict recomputed over the merged file. `machine` adds the
 * files' process-minutes and processes, with the first file's starting load and the last's ending.
 */
export function mergeDialResults(files: readonly DialResults[]): DialResults {
  if (files.length === 0) throw new DialMergeError('nothing to merge');
  const [first] = files;
  files.forEach((f, i) => check(first, f, i));
  const points = unionPoints(files);
  const families = points.flatMap((p) => p.sizes.map((s) => s.gains));
  const corrected = withHolm(families);
  let i = 0;
  for (const p of points) for (const s of p.sizes) s.gains = corrected[i++];
  const last = files[files.length - 1];
  return {
    ...first,
    arms: unionArms(files),
    sizes: [...new Set(files.flatMap((f) => f.sizes))],
    points,
    machine: {
      ...first.machine,
      loadEnd: last.machine.loadEnd,
      minutes: files.reduce((t, f) => t + f.machine.minutes, 0),
      jobs: files.reduce((t, f) => t + f.machine.jobs, 0),
    },
    createdAt: last.createdAt,
  };
}
