/**
 * Area under the ROC curve of scores for positives against scores for
 * negatives (scikit-learn's `roc_auc_score`): the chance that a random
 * positive scores above a random negative, ties counting half. NaN when
 * either list is empty or holds a NaN score (scikit-learn refuses those: a
 * NaN has no place in the order, and sorting around it gave any figure,
 * even 0). Sorts a copy of the scores: O(n log n).
 *
 * @example
 * ```ts
 * import { rocAuc } from "./roc_auc.ts";
 * console.log(rocAuc([0.9, 0.4], [0.5, 0.1])); // 0.75
 * ```
 */
export function rocAuc(positive: ArrayLike<number>, negative: ArrayLike<number>): number {
  const p = positive.length, n = negative.length;
  if (p === 0 || n === 0) return NaN;
  const all = new Float64Array(p + n);
  for (let i = 0; i < p; i++) all[i] = positive[i]!;
  for (let i = 0; i < n; i++) all[p + i] = negative[i]!;
  if (all.some(Number.isNaN)) return NaN;
  const order = new Uint32Array(p + n).map((_, i) => i).sort((a, b) => all[a]! - all[b]!);
  // Mann-Whitney U: the positives' ranks (1-based, ties given their mean rank).
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && all[order[j + 1]!] === all[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (order[k]! < p) rankSum += rank;
    i = j + 1;
  }
  return (rankSum - p * (p + 1) / 2) / (p * n);
}
