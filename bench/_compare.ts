import type { BenchReport } from "./_report.ts";

/** The unit of a relative comparison's rows. */
export const RELATIVE = "max difference / max cpu value";

/** Elements that differ bit for bit between two lists of arrays, a length difference counting whole. */
export function differingValues(
  a: readonly ArrayLike<number>[],
  b: readonly ArrayLike<number>[],
): number {
  let n = Math.abs(a.length - b.length);
  a.forEach((x, i) => {
    const y = b[i] ?? [];
    n += Math.abs(x.length - y.length);
    for (let j = 0; j < Math.min(x.length, y.length); j++) if (!Object.is(x[j], y[j])) n++;
  });
  return n;
}

/**
 * The largest difference relative to the largest CPU value `b` (summation
 * order differs between backends; small values carry large relative errors
 * that mean nothing). Infinite for different lengths or a NaN.
 */
export function relativeDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return Number.isNaN(diff) ? Infinity : diff / Math.max(scale, 1e-30);
}

/** One check of a correctness pass: its name, the value found, its unit and the bound it must keep. */
export type Check = readonly [name: string, value: number, unit: string, bound: number];

/** Adds each check as a row of `section`, noting agreement; a value past its bound fails the run. */
export function addChecks(report: BenchReport, section: string, checks: readonly Check[]): void {
  for (const [name, value, unit, bound] of checks) {
    const ok = value <= bound;
    report.add({
      section,
      name,
      value,
      unit: unit === "values" ? "values differ" : unit,
      note: ok ? "agree" : `DIFFER (bound ${bound})`,
    });
    if (!ok) report.failures.push(`${section}: ${name}: ${value} ${unit}`);
  }
}

/** The unit of a norm comparison's rows. */
export const RELATIVE_NORM = "L2 norm of difference / of cpu values";

/**
 * The L2 norm of the difference relative to the CPU values' `b`. Gradients
 * are compared so: a ReLU whose input lies within rounding of 0 may pass on
 * one backend and not on the other, which changes one unit's gradient for
 * one row (seen on a tiny graph: 0.24% of the largest gradient, 0.05% in
 * norm), where a wrong kernel moves the whole norm. Infinite for different
 * lengths or a NaN.
 */
export function relativeNormDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0, norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i]! - b[i]!) ** 2;
    norm += b[i]! ** 2;
  }
  return Number.isNaN(diff) ? Infinity : Math.sqrt(diff / Math.max(norm, 1e-60));
}
