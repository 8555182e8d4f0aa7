import { pcg } from "./kernels/_random.ts";
import type { LinkEdges } from "./link_split.ts";

/**
 * How a link minibatch draws its negative pairs (PyG's and GLT's
 * `NegativeSampling`): `binary` draws `negRatio` pairs per positive with both
 * ends uniform over the graph's nodes; `triplet` draws, for each positive
 * `(s, d)`, `negRatio` pairs `(s, random node)`.
 *
 * @example
 * ```ts
 * import type { NegativeSampling } from "./link_target.ts";
 * const glt: NegativeSampling = { mode: "binary", ratio: 1 };
 * ```
 */
export interface NegativeSampling {
  /** `binary` (default) or `triplet`. */
  readonly mode: "binary" | "triplet";
  /** Negative pairs per positive pair, a non-negative integer (default 1). */
  readonly ratio: number;
}

/**
 * One link minibatch on the host: the node seeds to sample from (every
 * endpoint once, in order of first appearance: positives' sources and
 * destinations, then the negatives'), the packed target the link loss reads
 * (pairs as rows of `nodes`) and the pairs to exclude from the sampled blocks.
 *
 * @example
 * ```ts
 * import type { LinkTarget } from "./link_target.ts";
 * const negatives = (t: LinkTarget) => t.numPairs - t.numPositive;
 * ```
 */
export interface LinkTarget {
  /** Unique endpoint node ids: the minibatch's node seeds; pair ends are rows of this list. */
  readonly nodes: Int32Array;
  /** Pairs scored: the positives first, then the negatives. */
  readonly numPairs: number;
  /** Positive pairs (label 1); the rest are negatives (label 0). */
  readonly numPositive: number;
  /**
   * `linkTargetLength(numPairs, nodes.length)` int32, for `P = numPairs` and `R = nodes.length`:
   * first rows `[0, P)`, second rows `[P, 2P)`, labels `[2P, 3P)`, then `R + 1` offsets into the
   * list of pair ids by row that follows (each pair listed at both its rows, in pair order).
   */
  readonly target: Int32Array;
  /**
   * The positive pairs as rows, both ways: `R + 1` offsets, then each row's partners ascending
   * and unique (what `exclude_pairs_count` reads).
   */
  readonly exclusion: Int32Array;
}

/**
 * Int32 values of a link target of `numPairs` pairs over `rows` rows.
 *
 * @example
 * ```ts
 * import { linkTargetLength } from "./link_target.ts";
 * console.log(linkTargetLength(1, 2)); // 8
 * ```
 */
export function linkTargetLength(numPairs: number, rows: number): number {
  return 5 * numPairs + rows + 1;
}

/**
 * Builds a link minibatch from positive edges `ids` (indices into `edges`)
 * and negatives drawn with `seed` (the same seed, edges and `numNodes` give
 * the same minibatch everywhere). Throws a `RangeError` for an edge id or an
 * endpoint out of range.
 *
 * @example
 * ```ts
 * import { linkTarget } from "./link_target.ts";
 * const edges = { source: new Int32Array([0, 2]), target: new Int32Array([1, 3]) };
 * const t = linkTarget(edges, new Int32Array([1]), 10, { mode: "triplet", ratio: 2 }, 7);
 * console.log(t.numPairs, t.nodes[0], t.nodes[1]); // 3 2 3
 * ```
 */
export function linkTarget(
  edges: LinkEdges,
  ids: Int32Array,
  numNodes: number,
  negatives: NegativeSampling,
  seed: number,
): LinkTarget {
  const { mode, ratio } = negatives;
  if (!Number.isInteger(ratio) || ratio < 0) {
    throw new RangeError(`linkTarget: negative ratio ${ratio}, expected a non-negative integer`);
  }
  if (!Number.isInteger(numNodes) || numNodes < 1) {
    throw new RangeError(`linkTarget: ${numNodes} nodes, expected at least 1`);
  }
  const numPositive = ids.length, numPairs = numPositive * (1 + ratio);
  const a = new Int32Array(numPairs), b = new Int32Array(numPairs);
  for (let i = 0; i < numPositive; i++) {
    const e = ids[i]!;
    if (!(e >= 0 && e < edges.source.length)) {
      throw new RangeError(`linkTarget: edge ${e} of ${edges.source.length}`);
    }
    a[i] = edges.source[e]!;
    b[i] = edges.target[e]!;
  }
  const base = pcg(seed >>> 0);
  const draw = (k: number) => Math.floor(pcg((base + k) >>> 0) / 2 ** 32 * numNodes);
  for (let j = 0; j < numPositive * ratio; j++) {
    const p = numPositive + j;
    a[p] = mode === "triplet" ? a[Math.floor(j / ratio)]! : draw(2 * j);
    b[p] = draw(2 * j + 1);
  }
  // Endpoints to rows, in order of first appearance.
  const rowOf = new Map<number, number>();
  const nodes: number[] = [];
  const row = (v: number) => {
    if (!(v >= 0 && v < numNodes)) {
      throw new RangeError(`linkTarget: node ${v} of ${numNodes} in a link pair`);
    }
    let r = rowOf.get(v);
    if (r === undefined) {
      r = nodes.length;
      rowOf.set(v, r);
      nodes.push(v);
    }
    return r;
  };
  for (let p = 0; p < numPairs; p++) {
    a[p] = row(a[p]!);
    b[p] = row(b[p]!);
  }
  const rows = nodes.length;
  const target = new Int32Array(linkTargetLength(numPairs, rows));
  target.set(a, 0);
  target.set(b, numPairs);
  target.fill(1, 2 * numPairs, 2 * numPairs + numPositive);
  // Pair ids by row: counts, offsets, then fill in pair order.
  const ptrAt = 3 * numPairs, listAt = ptrAt + rows + 1;
  for (let p = 0; p < numPairs; p++) {
    target[ptrAt + a[p]! + 1]!++;
    target[ptrAt + b[p]! + 1]!++;
  }
  for (let r = 0; r < rows; r++) target[ptrAt + r + 1]! += target[ptrAt + r]!;
  const cursor = target.slice(ptrAt, ptrAt + rows);
  for (let p = 0; p < numPairs; p++) {
    target[listAt + cursor[a[p]!]!++] = p;
    target[listAt + cursor[b[p]!]!++] = p;
  }
  return {
    nodes: Int32Array.from(nodes),
    numPairs,
    numPositive,
    target,
    exclusion: partners(a, b, numPositive, rows),
  };
}

/** The positive pairs `(a[p], b[p])`, `p < n`, both ways, as sorted unique partner lists by row. */
function partners(a: Int32Array, b: Int32Array, n: number, rows: number): Int32Array {
  const lists: number[][] = Array.from({ length: rows }, () => []);
  for (let p = 0; p < n; p++) {
    lists[a[p]!]!.push(b[p]!);
    lists[b[p]!]!.push(a[p]!);
  }
  const sorted = lists.map((l) => [...new Set(l)].sort((x, y) => x - y));
  const out = new Int32Array(rows + 1 + sorted.reduce((s, l) => s + l.length, 0));
  let at = rows + 1;
  sorted.forEach((l, r) => {
    out[r] = at - rows - 1;
    out.set(l, at);
    at += l.length;
  });
  out[rows] = at - rows - 1;
  return out;
}
