/**
 * Throws a `RangeError` unless every id in `seeds` is a node of a graph of
 * `numNodes` nodes (`0 <= id < numNodes`). Every minibatch source checks its
 * seeds with it before any work starts, so a bad id fails at once and names
 * itself and its position instead of surfacing later as a wrong row or an
 * out-of-range read on another rank. `who` begins the message (the method
 * that was called).
 *
 * @example
 * ```ts
 * import { checkSeeds } from "./check_seeds.ts";
 * checkSeeds(new Int32Array([0, 2]), 3, "sample"); // fine
 * try {
 *   checkSeeds(new Int32Array([0, 3]), 3, "sample");
 * } catch (e) {
 *   console.assert(String(e).includes("seed 3 at position 1 is not a node of the 3-node graph"));
 * }
 * ```
 */
export function checkSeeds(seeds: Int32Array, numNodes: number, who: string): void {
  for (let i = 0; i < seeds.length; i++) {
    const v = seeds[i]!;
    if (!(v >= 0 && v < numNodes)) {
      throw new RangeError(
        `${who}: seed ${v} at position ${i} is not a node of the ${numNodes}-node graph`,
      );
    }
  }
}
