import type { CsrGraph } from "../engine/graph.ts";
import { type Progress, undirectedOffsets } from "./_util.ts";

/**
 * Builds the CSR of an undirected weighted graph from interleaved (src, dst)
 * pairs and one weight per pair: both directions carry the pair's weight, rows
 * sorted, self-loops removed, and of duplicate edges the first in pair order
 * is kept with its weight. The indices are the ones the unweighted loader
 * builds; `weights` follows them. Each row is sorted as keys
 * `neighbour * pairs + pair` in float64, exact while `numNodes * pairs < 2^53`.
 */
export function weightedUndirectedCsr(
  n: number,
  pairs: Int32Array,
  pairWeights: Float32Array,
  progress: Progress,
): { graph: CsrGraph; weights: Float32Array } {
  const m = pairs.length >>> 1;
  if (n * m >= 2 ** 53) {
    throw new RangeError(
      `weighted graph of ${n} nodes and ${m} edges is too large to sort by exact float64 keys`,
    );
  }
  const indptr = undirectedOffsets(n, pairs);
  const keys = new Float64Array(indptr[n]!);
  const fill = indptr.slice(0, n);
  for (let e = 0; e < m; e++) {
    const s = pairs[2 * e]!;
    const d = pairs[2 * e + 1]!;
    if (s === d) continue;
    keys[fill[s]!++] = d * m + e;
    keys[fill[d]!++] = s * m + e;
  }
  progress.start("sort weighted neighbours", n);
  const indices = new Int32Array(keys.length);
  const weights = new Float32Array(keys.length);
  let w = 0;
  let start = 0;
  for (let v = 0; v < n; v++) {
    const end = indptr[v + 1]!;
    if (end - start > 1) keys.subarray(start, end).sort();
    indptr[v] = w;
    let prev = -1;
    for (let i = start; i < end; i++) {
      const x = Math.floor(keys[i]! / m);
      if (x === prev) continue;
      indices[w] = x;
      weights[w++] = pairWeights[keys[i]! - x * m]!;
      prev = x;
    }
    start = end;
    if ((v & 0xffff) === 0) progress.tick(v);
  }
  indptr[n] = w;
  progress.done();
  return {
    graph: { numNodes: n, indptr, indices: indices.slice(0, w) },
    weights: weights.slice(0, w),
  };
}
