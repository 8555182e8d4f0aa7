/**
 * OGB's Hits@K for link prediction (`ogb.linkproppred.Evaluator`): the share
 * of positives scoring strictly above the K-th highest negative score; 1 when
 * there are fewer than K negatives, as OGB has it. NaN with no positives.
 *
 * @example
 * ```ts
 * import { hitsAtK } from "./hits_at_k.ts";
 * // The 2nd best negative is 0.5: one positive of two is above it.
 * console.log(hitsAtK([0.9, 0.4], [0.7, 0.5, 0.1], 2)); // 0.5
 * ```
 */
export function hitsAtK(
  positive: ArrayLike<number>,
  negative: ArrayLike<number>,
  k: number,
): number {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`hitsAtK: K is ${k}, expected >= 1`);
  if (positive.length === 0) return NaN;
  if (negative.length < k) return 1;
  const kth = Float64Array.from(negative).sort().at(-k)!;
  let hits = 0;
  for (let i = 0; i < positive.length; i++) if (positive[i]! > kth) hits++;
  return hits / positive.length;
}
