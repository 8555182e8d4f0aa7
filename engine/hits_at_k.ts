import { ownNegativeRanks } from "./_own_negative_ranks.ts";

/**
 * OGB's Hits@K for link prediction (`ogb.linkproppred.Evaluator`). With
 * negatives shared by all positives (ogbl-collab, ogbl-ddi, ...): the share
 * of positives scoring strictly above the K-th highest negative score, and 1
 * when there are fewer than K negatives, as OGB has it. With `perPositive`
 * set, positive `i` has its own negatives
 * `negative[i * perPositive, (i + 1) * perPositive)` (ogbl-citation2): the
 * share of positives whose rank among them (1 + the negatives above, ties
 * counting half) is at most K. NaN with no positives.
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
  perPositive?: number,
): number {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`hitsAtK: K is ${k}, expected >= 1`);
  const p = positive.length;
  if (p === 0) return NaN;
  if (perPositive !== undefined) {
    const ranks = ownNegativeRanks("hitsAtK", positive, negative, perPositive);
    return ranks.reduce((hits, r) => hits + (r <= k ? 1 : 0), 0) / p;
  }
  if (negative.length < k) return 1;
  const kth = Float64Array.from(negative).sort().at(-k)!;
  let hits = 0;
  for (let i = 0; i < p; i++) if (positive[i]! > kth) hits++;
  return hits / p;
}
