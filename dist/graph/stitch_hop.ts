/**
 * One partition's answer to its share of a hop.
 *
 * @example
 * ```ts
 * import type { HopPart } from "./stitch_hop.ts";
 * // Request positions 0 and 2 were owned here: 0 has neighbours 7 and 8, 2 has none.
 * const part: HopPart = {
 *   positions: new Int32Array([0, 2]), offsets: new Int32Array([0, 2, 2]), neighbors: new Int32Array([7, 8]),
 * };
 * ```
 */
export interface HopPart {
  /** Request positions of the partition's seeds (from `splitByPartition`). */
  readonly positions: Int32Array;
  /** `positions.length + 1` CSR offsets into `neighbors`, starting at 0. */
  readonly offsets: Int32Array;
  /** The sampled neighbours of each seed, seed after seed. */
  readonly neighbors: Int32Array;
}

/**
 * A hop in request order.
 *
 * @example
 * ```ts
 * import { stitchHop } from "./stitch_hop.ts";
 * const hop = stitchHop(2, [
 *   { positions: new Int32Array([1]), offsets: new Int32Array([0, 1]), neighbors: new Int32Array([9]) },
 *   { positions: new Int32Array([0]), offsets: new Int32Array([0, 2]), neighbors: new Int32Array([4, 5]) },
 * ]);
 * console.assert(hop.offsets.join() === "0,2,3" && hop.neighbors.join() === "4,5,9");
 * ```
 */
export interface StitchedHop {
  /** `n + 1` offsets. */
  readonly offsets: Int32Array<ArrayBuffer>;
  /** `offsets[n]` neighbour ids. */
  readonly neighbors: Int32Array<ArrayBuffer>;
}

/**
 * Puts per-partition hop results back in request order: seed `i` of the
 * request gets the neighbours its owner sampled for it. Every position in
 * `0..n-1` must be answered exactly once and each part's offsets must be a
 * valid CSR over its neighbours; otherwise `RangeError`.
 *
 * @example
 * ```ts
 * import { stitchHop } from "./stitch_hop.ts";
 * const hop = stitchHop(3, [
 *   { positions: new Int32Array([1]), offsets: new Int32Array([0, 2]), neighbors: new Int32Array([8, 9]) },
 *   { positions: new Int32Array([0, 2]), offsets: new Int32Array([0, 1, 1]), neighbors: new Int32Array([4]) },
 * ]);
 * console.log(hop.offsets, hop.neighbors); // Int32Array [0, 1, 3, 3] Int32Array [4, 8, 9]
 * ```
 */
export function stitchHop(n: number, parts: readonly HopPart[]): StitchedHop {
  const counts = new Int32Array(n + 1);
  const seen = new Uint8Array(n);
  for (const [k, part] of parts.entries()) {
    const m = part.positions.length;
    if (part.offsets.length !== m + 1 || part.offsets[0] !== 0) {
      throw new RangeError(
        `stitchHop: part ${k} has ${part.offsets.length} offsets for ${m} seeds (expected ${
          m + 1
        } starting at 0)`,
      );
    }
    if (part.offsets[m] !== part.neighbors.length) {
      throw new RangeError(
        `stitchHop: part ${k} ends its offsets at ${
          part.offsets[m]
        } but has ${part.neighbors.length} neighbours`,
      );
    }
    for (let j = 0; j < m; j++) {
      const pos = part.positions[j]!;
      if (!(pos >= 0 && pos < n) || seen[pos]) {
        throw new RangeError(
          `stitchHop: part ${k} answers position ${pos}, which is outside 0..${
            n - 1
          } or answered twice`,
        );
      }
      seen[pos] = 1;
      const c = part.offsets[j + 1]! - part.offsets[j]!;
      if (c < 0) throw new RangeError(`stitchHop: part ${k} has decreasing offsets at ${j}`);
      counts[pos + 1] = c;
    }
  }
  const missing = seen.indexOf(0);
  if (missing >= 0) throw new RangeError(`stitchHop: no part answers position ${missing}`);
  for (let i = 0; i < n; i++) counts[i + 1]! += counts[i]!;
  const neighbors = new Int32Array(counts[n]!);
  for (const part of parts) {
    for (let j = 0; j < part.positions.length; j++) {
      const from = part.offsets[j]!;
      const to = part.offsets[j + 1]!;
      neighbors.set(part.neighbors.subarray(from, to), counts[part.positions[j]!]!);
    }
  }
  return { offsets: counts, neighbors };
}
