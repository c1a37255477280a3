/**
 * The rollout inspector's reading of a group: where an aggregator's advantage has the opposite
 * sign of a reference aggregator's (the cases the teaching scenario points at).
 */
import { METHODS, type Method } from '../../core/reward/config';
import type { InspectedGroup } from '../../core/train/types';

/** Advantages this close to 0 have no sign. */
export const SIGN_EPS = 1e-3;

export function signOf(value: number): -1 | 0 | 1 {
  return value > SIGN_EPS ? 1 : value < -SIGN_EPS ? -1 : 0;
}

/** Per rollout, the methods whose advantage sign is opposite to `reference`'s. */
export function signFlips(group: InspectedGroup, reference: Method): Method[][] {
  return group.rollouts.map((rollout) => {
    const ref = signOf(rollout.advantages[reference]);
    if (ref === 0) return [];
    return METHODS.filter((m) => m !== reference && signOf(rollout.advantages[m]) === -ref);
  });
}
