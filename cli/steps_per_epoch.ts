/**
 * The number of minibatches of the busiest trainer, which every trainer
 * steps through each epoch so that gradient averaging never waits for one
 * that ran out: trainer `k` of node `p` takes every `procs[p]`-th training
 * seed of partition `p` starting at `k` (`procs` is one count for every node,
 * or each node's own).
 *
 * @example
 * ```ts
 * import { stepsPerEpoch } from "./steps_per_epoch.ts";
 * console.log(stepsPerEpoch([1000, 700], 2, 128)); // 4: ceil(500 / 128)
 * console.log(stepsPerEpoch([1000, 700], [4, 1], 128)); // 6: ceil(700 / 128)
 * ```
 */
export function stepsPerEpoch(
  trainPerPartition: readonly number[],
  procs: number | readonly number[],
  batchSize: number,
): number {
  let most = 0;
  for (const [p, n] of trainPerPartition.entries()) {
    const here = typeof procs === "number" ? procs : procs[p]!;
    for (let k = 0; k < here; k++) {
      const mine = Math.max(0, Math.ceil((n - k) / here));
      most = Math.max(most, Math.ceil(mine / batchSize));
    }
  }
  return most;
}

/**
 * Trainer `k`'s share of a node's seeds: every `procs`-th one from `k`.
 *
 * @example
 * ```ts
 * import { shareOf } from "./steps_per_epoch.ts";
 * console.log(Array.from(shareOf(new Int32Array([5, 6, 7, 8, 9]), 2, 1))); // [6, 8]
 * ```
 */
export function shareOf(seeds: Int32Array, procs: number, k: number): Int32Array {
  return seeds.filter((_, i) => i % procs === k);
}
