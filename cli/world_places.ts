import type { CensusResult } from "../dist/cluster/census.ts";

/**
 * The census's places by node: how many trainers each node runs, and each
 * node's ranks in the order of their index there.
 *
 * @example
 * ```ts
 * import { worldPlaces } from "./world_places.ts";
 * const w = worldPlaces({ size: 3, places: [{ node: 0, local: 0 }, { node: 1, local: 1 }, { node: 1, local: 0 }] });
 * console.log(w.counts, w.ranksOf); // [1, 2] [[0], [2, 1]]
 * ```
 */
export function worldPlaces(census: CensusResult): { counts: number[]; ranksOf: number[][] } {
  const ranksOf: number[][] = [];
  census.places.forEach(({ node, local }, rank) => {
    (ranksOf[node] ??= [])[local] = rank;
  });
  return { counts: Array.from(ranksOf, (r) => r?.length ?? 0), ranksOf };
}
