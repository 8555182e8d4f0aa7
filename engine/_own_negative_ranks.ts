// The rank of each positive among its own negatives, as OGB's evaluator
// ranks ogbl-citation2's: what hitsAtK() and meanReciprocalRank() read when
// every positive has `perPositive` negatives of its own.

/**
 * `1 + (negatives above) + (ties) / 2` for positive `i` among
 * `negative[i * perPositive, (i + 1) * perPositive)`; a `RangeError` from
 * `caller` when the negatives are not `perPositive` per positive.
 */
export function ownNegativeRanks(
  caller: string,
  positive: ArrayLike<number>,
  negative: ArrayLike<number>,
  perPositive: number,
): Float64Array {
  const p = positive.length;
  if (negative.length !== p * perPositive) {
    throw new RangeError(
      `${caller}: ${negative.length} negatives for ${p} positives, expected ${perPositive} each`,
    );
  }
  const ranks = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    const s = positive[i]!;
    let above = 0, ties = 0;
    for (let j = i * perPositive; j < (i + 1) * perPositive; j++) {
      const v = negative[j]!;
      if (v > s) above++;
      else if (v === s) ties++;
    }
    ranks[i] = 1 + above + ties / 2;
  }
  return ranks;
}
