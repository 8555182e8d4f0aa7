import type { CsrGraph } from "../engine/graph.ts";

/**
 * Estimates how often each node is reached when sampling `fanout` neighbours
 * per hop from `seeds`: starting from one unit on each seed, every hop spreads
 * a node's weight `w` to each neighbour as `w * min(1, fanout / degree)` (the
 * expected number of times that neighbour is drawn), and the result sums the
 * weights of all hops (the seeds themselves count 1). This is the hotness of
 * graphlearn-for-pytorch's frequency partitioner, computed exactly in
 * expectation instead of by repeated sampling. O(edges x hops).
 *
 * @example
 * ```ts
 * import { csrFromEdges } from "../engine/graph.ts";
 * import { samplingHotness } from "./hotness.ts";
 * // path 0 - 1 - 2
 * const g = csrFromEdges(3, new Int32Array([0, 1, 1, 2]), new Int32Array([1, 0, 2, 1]));
 * console.log(Array.from(samplingHotness(g, new Int32Array([0]), [1, 1])));
 * // [1.5, 1, 0.5]: 0 is the seed and is drawn back from 1 half the time
 * ```
 */
export function samplingHotness(
  graph: CsrGraph,
  seeds: Int32Array,
  fanout: readonly number[],
): Float32Array {
  const { numNodes: n, indptr, indices } = graph;
  const total = new Float32Array(n);
  let frontier = new Float32Array(n);
  for (const s of seeds) {
    frontier[s]! += 1;
    total[s]! += 1;
  }
  let next = new Float32Array(n);
  for (const k of fanout) {
    // scaled[u] = frontier[u] * min(1, k / deg(u)); pull over symmetric rows
    for (let u = 0; u < n; u++) {
      const f = frontier[u]!;
      if (f === 0) continue;
      const d = indptr[u + 1]! - indptr[u]!;
      frontier[u] = d > k ? (f * k) / d : f;
    }
    for (let v = 0; v < n; v++) {
      let s = 0;
      for (let i = indptr[v]!, end = indptr[v + 1]!; i < end; i++) {
        s += frontier[indices[i]!]!;
      }
      next[v] = s;
      total[v]! += s;
    }
    const t = frontier;
    frontier = next;
    next = t;
  }
  return total;
}
