import type { StepSweep } from '@xbar/dsl';

/** One point of the `.step` sweeps: a value for each swept parameter (lower-case names). */
export type StepPoint = Readonly<Record<string, number>>;

/** Every point of nested `.step` sweeps, the first sweep outermost; one empty point without sweeps. */
export function stepPoints(sweeps: readonly StepSweep[]): StepPoint[] {
  let points: Record<string, number>[] = [{}];
  for (const sweep of sweeps) {
    const next: Record<string, number>[] = [];
    for (const point of points) for (const value of sweep.values) next.push({ ...point, [sweep.param.toLowerCase()]: value });
    points = next;
  }
  return points;
}
