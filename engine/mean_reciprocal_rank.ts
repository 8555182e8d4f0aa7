/**
 * OGB's mean reciprocal rank: each positive is ranked among its negatives
 * (rank 1 + the negatives above it, ties counting half, as OGB averages its
 * optimistic and pessimistic ranks) and the reciprocal ranks are averaged.
 * With `perPositive` set, positive `i` is ranked against
 * `negative[i * perPositive, (i + 1) * perPositive)` (ogbl-citation2's
 * layout); otherwise every positive against all negatives. NaN with no
 * positives.
 *
 * @example
 * ```ts
 * import { meanReciprocalRank } from "./mean_reciprocal_rank.ts";
 * // 0.9 ranks 1st, 0.4 ranks 3rd of the negatives 0.7, 0.5, 0.1: (1 + 1/3) / 2.
 * console.log(meanReciprocalRank([0.9, 0.4], [0.7, 0.5, 0.1]).toFixed(4)); // 0.6667
 * ```
 */
export function meanReciprocalRank(
  positive: ArrayLike<number>,
  negative: ArrayLike<number>,
  perPositive?: number,
): number {
  const p = positive.length;
  if (p === 0) return NaN;
  if (perPositive !== undefined && negative.length !== p * perPositive) {
    throw new RangeError(
      `meanReciprocalRank: ${negative.length} negatives for ${p} positives, ` +
        `expected ${perPositive} each`,
    );
  }
  let sum = 0;
  for (let i = 0; i < p; i++) {
    const s = positive[i]!;
    const begin = perPositive === undefined ? 0 : i * perPositive;
    const end = perPositive === undefined ? negative.length : begin + perPositive;
    let above = 0, ties = 0;
    for (let j = begin; j < end; j++) {
      const v = negative[j]!;
      if (v > s) above++;
      else if (v === s) ties++;
    }
    sum += 1 / (1 + above + ties / 2);
  }
  return sum / p;
}
