import { pcg } from "./kernels/_random.ts";
import type { LinkEdges } from "./link_split.ts";

/**
 * `count` random node pairs, both ends uniform over `[0, numNodes)`, drawn
 * with `seed`: the negatives GLT evaluates against (as many as the positive
 * test edges). Pair `i` depends on `seed` and `i` only, so a rank can draw
 * its share alone (`first` = index of its first pair) and the shares join
 * into the pairs one process would draw.
 *
 * @example
 * ```ts
 * import { randomLinkEdges } from "./random_link_edges.ts";
 * const all = randomLinkEdges(100, 4, 7);
 * const tail = randomLinkEdges(100, 2, 7, 2);
 * console.log(all.source[2] === tail.source[0]); // true
 * ```
 */
export function randomLinkEdges(
  numNodes: number,
  count: number,
  seed: number,
  first = 0,
): LinkEdges {
  if (!Number.isInteger(numNodes) || numNodes < 1) {
    throw new RangeError(`randomLinkEdges: ${numNodes} nodes, expected at least 1`);
  }
  const base = pcg((seed ^ 0x5bd1e995) >>> 0);
  const draw = (k: number) => Math.floor(pcg((base + k) >>> 0) / 2 ** 32 * numNodes);
  const source = new Int32Array(count), target = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    source[i] = draw(2 * (first + i));
    target[i] = draw(2 * (first + i) + 1);
  }
  return { source, target };
}
