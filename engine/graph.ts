/**
 * A graph in compressed sparse row form with int32 node ids.
 *
 * `indptr` has `numNodes + 1` entries; the neighbours of node `v` are
 * `indices[indptr[v] .. indptr[v + 1])`. Edges are directed: an undirected
 * graph stores each edge in both directions.
 *
 * @example
 * ```ts
 * import { csrFromEdges } from "./graph.ts";
 * const g = csrFromEdges(3, new Int32Array([0, 1]), new Int32Array([1, 2]));
 * console.log(g.indptr); // Int32Array [0, 1, 2, 2]
 * ```
 */
export interface CsrGraph {
  /** Node ids are `0 .. numNodes - 1`. */
  readonly numNodes: number;
  /** `numNodes + 1` offsets into `indices`, starting at 0, never decreasing. */
  readonly indptr: Int32Array;
  /** Neighbour ids, `indptr[numNodes]` of them, each in `[0, numNodes)`. */
  readonly indices: Int32Array;
}

/**
 * Builds a CSR graph from directed edge lists `src[i] -> dst[i]` by counting
 * sort; neighbours of each node keep the order in which edges were given.
 *
 * @example
 * ```ts
 * import { csrFromEdges } from "./graph.ts";
 * const g = csrFromEdges(2, new Int32Array([1]), new Int32Array([0]));
 * console.log(Array.from(g.indices)); // [0]
 * ```
 */
export function csrFromEdges(
  numNodes: number,
  src: Int32Array,
  dst: Int32Array,
): CsrGraph {
  if (src.length !== dst.length) {
    throw new RangeError(
      `csrFromEdges: src has ${src.length} entries but dst has ${dst.length}`,
    );
  }
  const indptr = new Int32Array(numNodes + 1);
  for (let e = 0; e < src.length; e++) {
    const s = src[e]!;
    if (s < 0 || s >= numNodes) {
      throw new RangeError(
        `csrFromEdges: edge ${e} has source ${s}, expected 0..${numNodes - 1}`,
      );
    }
    indptr[s + 1]!++;
  }
  for (let v = 0; v < numNodes; v++) indptr[v + 1]! += indptr[v]!;
  const fill = indptr.slice(0, numNodes);
  const indices = new Int32Array(src.length);
  for (let e = 0; e < src.length; e++) {
    const d = dst[e]!;
    if (d < 0 || d >= numNodes) {
      throw new RangeError(
        `csrFromEdges: edge ${e} has target ${d}, expected 0..${numNodes - 1}`,
      );
    }
    indices[fill[src[e]!]!++] = d;
  }
  return { numNodes, indptr, indices };
}
