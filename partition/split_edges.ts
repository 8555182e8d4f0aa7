import type { NodeDataset } from "../engine/dataset.ts";
import type { LinkEdges } from "../engine/link_split.ts";
import { Sfc32 } from "./_util.ts";

/**
 * Makes a link-prediction split from a dataset's own graph (`--edge_split`):
 * every undirected edge (both directions of a pair of distinct nodes, taken
 * once however often it repeats) is dealt, after a shuffle seeded by `seed`,
 * to training, validation or test in the proportions `fractions`
 * (`[train, valid, test]`, non-negative, summing to 1; counts rounded, the
 * training edges take the rest). Validation and test edges are removed from
 * the graph in both directions, with their `edgeWeights`, so that message
 * passing cannot read them; training edges and self-loops stay. Each edge is
 * given a seeded random direction (`source`, `target`), so that a
 * partitioner assigning edges by source spreads them evenly; the edges of
 * each split are listed in the order of their smaller endpoint, then the
 * larger. The result is the dataset with that graph and `links` set; the
 * features, labels and node split are kept. Pure: the input is not changed
 * and equal inputs give equal outputs.
 *
 * Throws a `RangeError` for bad fractions, for a dataset that already has
 * `links`, or for a graph that is not undirected (an edge stored in one
 * direction only).
 *
 * @example
 * ```ts
 * import { generateSynthetic } from "./synthetic.ts";
 * import { splitEdges } from "./split_edges.ts";
 * const ds = generateSynthetic({ scale: 0.001, quiet: true });
 * const linked = splitEdges(ds, [0.85, 0.05, 0.1], 0);
 * const all = ds.graph.indices.length / 2;
 * console.log(linked.links!.test.source.length === Math.round(all * 0.1)); // true
 * console.log(linked.graph.indices.length < ds.graph.indices.length); // true
 * ```
 */
export function splitEdges(
  dataset: NodeDataset,
  fractions: readonly number[],
  seed: number,
): NodeDataset {
  checkFractions(fractions);
  if (dataset.links) {
    throw new RangeError(
      `splitEdges: ${dataset.name} already has a link split; splitting its graph again would mix two`,
    );
  }
  const { numNodes: n, indptr, indices } = dataset.graph;
  const pairs = canonicalPairs(n, indptr, indices);
  const m = pairs.start[n]!;

  // Deal the shuffled edges: the first to training, then validation, then test.
  const rng = new Sfc32(seed, 0x4c494e4b);
  const perm = new Int32Array(m);
  for (let i = 0; i < m; i++) perm[i] = i;
  for (let i = m - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  const valid = Math.round(m * fractions[1]!);
  const test = Math.min(Math.round(m * fractions[2]!), m - valid);
  const counts = [m - valid - test, valid, test];
  const role = new Uint8Array(m);
  for (let i = counts[0]!; i < m; i++) role[perm[i]!] = i < counts[0]! + valid ? 1 : 2;

  const lists = counts.map((c) => ({ source: new Int32Array(c), target: new Int32Array(c) }));
  const filled = [0, 0, 0];
  for (let a = 0; a < n; a++) {
    for (let p = pairs.first[a]!, end = pairs.indptr[a + 1]!; p < end; p++) {
      const b = pairs.indices[p]!;
      const r = role[pairs.start[a]! + p - pairs.first[a]!]!;
      const flip = (rng.u32() & 1) === 1;
      const list = lists[r]!;
      list.source[filled[r]!] = flip ? b : a;
      list.target[filled[r]!++] = flip ? a : b;
    }
  }

  // The graph without validation and test edges, in both directions.
  const posRole = pairs.rolesOfPositions(role, dataset.name);
  const keptIndptr = new Int32Array(n + 1);
  const keep = new Uint8Array(indices.length);
  for (let v = 0; v < n; v++) {
    let k = 0;
    const from = indptr[v]!, to = indptr[v + 1]!;
    const lo = pairs.indptr[v]!, hi = pairs.indptr[v + 1]!;
    for (let e = from, q = lo; e < to; e++) {
      const u = indices[e]!;
      if (u !== v) {
        // the entry's place in the sorted row: walked along a sorted row, else searched
        if (pairs.sortedRow[v] === 1) { while (pairs.indices[q]! < u) q++; }
        else q = search(pairs.indices, lo, hi, u);
        if (posRole[q] !== 0) continue;
      }
      keep[e] = 1;
      k++;
    }
    keptIndptr[v + 1] = keptIndptr[v]! + k;
  }
  const kept = keptIndptr[n]!;
  const keptIndices = new Int32Array(kept);
  const weights = dataset.edgeWeights ? new Float32Array(kept) : undefined;
  for (let e = 0, w = 0; e < indices.length; e++) {
    if (keep[e] === 0) continue;
    if (weights) weights[w] = dataset.edgeWeights![e]!;
    keptIndices[w++] = indices[e]!;
  }
  const [trainEdges, validEdges, testEdges] = lists as [LinkEdges, LinkEdges, LinkEdges];
  return {
    ...dataset,
    graph: { numNodes: n, indptr: keptIndptr, indices: keptIndices },
    ...(weights ? { edgeWeights: weights } : {}),
    links: { train: trainEdges, valid: validEdges, test: testEdges },
  };
}

function checkFractions(fractions: readonly number[]): void {
  const sum = fractions.reduce((s, x) => s + x, 0);
  if (
    fractions.length !== 3 || fractions.some((x) => !(Number.isFinite(x) && x >= 0)) ||
    Math.abs(sum - 1) > 1e-9
  ) {
    throw new RangeError(
      `splitEdges: fractions must be three non-negative numbers train,valid,test that sum to 1, got ${
        fractions.join(",")
      }`,
    );
  }
}

/** Position of `x` in the ascending `a[lo..hi)`, which holds it. */
function search(a: Int32Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The graph's undirected edges, numbered: each row sorted and deduplicated
 * without self-loops (`indptr`, `indices`), `first[a]` the position of row
 * a's first neighbour above a, `start[a]` the number of the first edge
 * (a, b) with a < b, and `sortedRow[v]` 1 where the graph's own row v was
 * already in ascending order.
 */
function canonicalPairs(n: number, indptr: Int32Array, indices: Int32Array) {
  const sorted = new Int32Array(indices.length);
  const rows = new Int32Array(n + 1);
  const first = new Int32Array(n);
  const start = new Int32Array(n + 1);
  const sortedRow = new Uint8Array(n);
  let w = 0;
  for (let v = 0; v < n; v++) {
    const from = indptr[v]!, to = indptr[v + 1]!;
    let ascending = 1;
    for (let e = from + 1; e < to; e++) if (indices[e]! < indices[e - 1]!) ascending = 0;
    sortedRow[v] = ascending;
    const row = ascending ? indices.subarray(from, to) : indices.slice(from, to).sort();
    let prev = -1;
    first[v] = -1;
    for (const u of row) {
      if (u === prev || u === v) continue;
      if (u > v && first[v] === -1) first[v] = w;
      sorted[w++] = u;
      prev = u;
    }
    rows[v + 1] = w;
    if (first[v] === -1) first[v] = w;
    start[v + 1] = start[v]! + w - first[v]!;
  }
  /**
   * The role of every sorted position: an edge's (a, b) at a < b from
   * `role`, and its reverse (b, a) found by one cursor per row, since the
   * a of each row's lower neighbours come in ascending order. A neighbour
   * that lacks its reverse is a RangeError.
   */
  const rolesOfPositions = (role: Uint8Array, name: string): Uint8Array => {
    const out = new Uint8Array(w);
    const cursor = rows.slice(0, n);
    const oneWay = (v: number, u: number) =>
      new RangeError(
        `splitEdges: ${name}'s graph is not undirected: node ${v} has neighbour ${u}, ` +
          `but ${u} lacks ${v}`,
      );
    for (let a = 0; a < n; a++) {
      for (let p = first[a]!, end = rows[a + 1]!; p < end; p++) {
        const b = sorted[p]!;
        let c = cursor[b]!;
        if (c < first[b]! && sorted[c]! < a) throw oneWay(b, sorted[c]!);
        if (c >= first[b]! || sorted[c] !== a) throw oneWay(a, b);
        out[p] = out[c] = role[start[a]! + p - first[a]!]!;
        cursor[b] = ++c;
      }
    }
    for (let b = 0; b < n; b++) {
      if (cursor[b]! < first[b]!) throw oneWay(b, sorted[cursor[b]!]!);
    }
    return out;
  };
  return { indptr: rows, indices: sorted, first, start, sortedRow, rolesOfPositions };
}
