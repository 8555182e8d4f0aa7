// Private helper of synthetic.ts: the edge weights the generator emits on request.
import type { CsrGraph } from "../engine/graph.ts";

/** Share of the edges between communities that weigh nothing (never drawn by weighted sampling). */
export const ZERO_SHARE = 0.25;

/**
 * One weight per CSR entry of the synthetic graph, a pure function of the
 * unordered pair of endpoints and the seed, so both directions of an edge
 * carry the same one and the same seed always gives the same weights. Edges
 * inside a community weigh 1 to 5; a quarter of those between communities
 * weigh 0 and the rest 0.05 to 0.5, so that edge-weighted sampling keeps
 * visibly more of a node's community than uniform sampling does (the
 * generator draws 80% of the edges inside communities).
 */
export function syntheticEdgeWeights(
  graph: CsrGraph,
  community: Int32Array,
  seed: number,
): Float32Array {
  const { numNodes, indptr, indices } = graph;
  const weights = new Float32Array(indices.length);
  const salt = mix(seed >>> 0 ^ 0x5bd1e995) ^ mix(Math.floor(seed / 0x100000000));
  for (let v = 0; v < numNodes; v++) {
    for (let e = indptr[v]!; e < indptr[v + 1]!; e++) {
      const u = indices[e]!;
      const h = mix(mix(Math.min(u, v) ^ salt) + Math.max(u, v)) / 4294967296;
      if (community[u] === community[v]) weights[e] = 1 + 4 * h;
      else weights[e] = h < ZERO_SHARE ? 0 : 0.05 + 0.45 * ((h - ZERO_SHARE) / (1 - ZERO_SHARE));
    }
  }
  return weights;
}

/** A 32-bit integer hash (murmur3's finaliser), as an unsigned number. */
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
