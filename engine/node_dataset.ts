import type { NodeDataset } from "./dataset.ts";
import { csrFromEdges } from "./graph.ts";

/**
 * Edges as two id lists of equal length: edge `i` joins `source[i]` and `target[i]`.
 *
 * @example
 * ```ts
 * import type { EdgeLists } from "./node_dataset.ts";
 * const path: EdgeLists = { source: new Int32Array([0, 1]), target: new Int32Array([1, 2]) };
 * ```
 */
export interface EdgeLists {
  /** The edges' first ends. */
  readonly source: ArrayLike<number>;
  /** The edges' second ends. */
  readonly target: ArrayLike<number>;
}

/**
 * A graph given as arrays, for {@linkcode nodeDataset}.
 *
 * @example
 * ```ts
 * import type { NodeDatasetArrays } from "./node_dataset.ts";
 * const tiny: NodeDatasetArrays = {
 *   edges: [[0, 1], [1, 2]],
 *   features: [[1, 0], [0, 1], [1, 1]],
 *   labels: [0, 1, 1],
 *   split: { train: [0, 1], test: [2] },
 * };
 * ```
 */
export interface NodeDatasetArrays {
  /** Recorded in saved models' metadata (default `arrays`). */
  readonly name?: string;
  /** Nodes are `0 .. numNodes - 1` (default: the feature rows given). */
  readonly numNodes?: number;
  /**
   * The edges, as `[source, target]` pairs or as two id lists. By default
   * every edge is undirected (both ends aggregate from each other, as OGB's
   * loader reads its edge lists); with `directed`, an edge `source -> target`
   * sends the source's features to the target, as PyG's `edge_index` does.
   */
  readonly edges: readonly (readonly [number, number])[] | EdgeLists;
  /** Each edge one way only (PyG's `edge_index` convention), not both. */
  readonly directed?: boolean;
  /**
   * One weight per edge of `edges`, in the same order, each finite and
   * non-negative (both directions of an undirected edge carry it): what
   * edge-weighted sampling draws by. A zero-weight edge is never drawn.
   */
  readonly edgeWeights?: ArrayLike<number>;
  /** One row per node: row arrays, or one flat row-major array with `featureDim`. */
  readonly features: readonly ArrayLike<number>[] | Float32Array | readonly number[];
  /** Values per row when `features` is flat. */
  readonly featureDim?: number;
  /** One class per node, -1 for a node without label (default: none labelled). */
  readonly labels?: ArrayLike<number>;
  /** Number of classes (default: the largest label plus one). */
  readonly numClasses?: number;
  /** Training, validation and test nodes; disjoint, and every one of them labelled. */
  readonly split?: {
    readonly train?: ArrayLike<number>;
    readonly valid?: ArrayLike<number>;
    readonly test?: ArrayLike<number>;
  };
}

/**
 * Builds a {@linkcode NodeDataset} from arrays: edges (pairs or two id
 * lists), feature rows, labels and the split, each checked against the
 * others. A length that does not match, an id out of range, a split that
 * names a node twice or an unlabelled node, or a label past `numClasses` is a
 * `RangeError` that names the field, the entry and what was expected.
 *
 * @example
 * ```ts
 * import { nodeDataset } from "./node_dataset.ts";
 * const ds = nodeDataset({
 *   edges: [[0, 1], [1, 2], [2, 3]],
 *   features: [[1, 0], [1, 0], [0, 1], [0, 1]],
 *   labels: [0, 0, 1, 1],
 *   split: { train: [0, 3], valid: [1], test: [2] },
 * });
 * console.log(ds.graph.numNodes, ds.graph.indices.length, ds.numClasses); // 4 6 2
 * ```
 */
export function nodeDataset(a: NodeDatasetArrays): NodeDataset {
  const fail = (what: string): never => {
    throw new RangeError(`nodeDataset: ${what}`);
  };
  const { features, featureDim } = featureTable(a, fail);
  const numNodes = a.numNodes ?? features.length / Math.max(1, featureDim);
  if (!Number.isInteger(numNodes) || numNodes < 0) fail(`numNodes is ${a.numNodes}`);
  if (features.length !== numNodes * featureDim) {
    fail(
      `features has ${features.length / featureDim} rows of ${featureDim}, ` +
        `expected numNodes = ${numNodes} (one per node)`,
    );
  }
  const checkId = (field: string, i: number, v: number) => {
    if (!Number.isInteger(v) || v < 0 || v >= numNodes) {
      fail(`${field}[${i}] is ${v}, expected a node id in 0..${numNodes - 1}`);
    }
  };
  const [rawSource, rawTarget] = edgeLists(a.edges, fail);
  for (let e = 0; e < rawSource.length; e++) {
    checkId("edges (source)", e, rawSource[e]!);
    checkId("edges (target)", e, rawTarget[e]!);
  }
  const source = Int32Array.from(rawSource), target = Int32Array.from(rawTarget);
  // A node's CSR row lists the nodes it aggregates from: the sources of its edges.
  const rows = a.directed ? target : concat(source, target);
  const graph = csrFromEdges(numNodes, rows, a.directed ? source : concat(target, source));
  const edgeWeights = a.edgeWeights === undefined
    ? undefined
    : csrWeights(a.edgeWeights, source.length, rows, graph.indptr, fail);
  const given = a.labels ?? new Int32Array(numNodes).fill(-1);
  if (given.length !== numNodes) {
    fail(`labels has ${given.length} entries, expected numNodes = ${numNodes} (one per node)`);
  }
  let maxLabel = -1;
  for (let v = 0; v < numNodes; v++) {
    const y = given[v]!;
    if (!Number.isInteger(y) || y < -1) fail(`labels[${v}] is ${y}, expected a class id or -1`);
    maxLabel = Math.max(maxLabel, y);
  }
  const labels = Int32Array.from(given);
  const numClasses = a.numClasses ?? maxLabel + 1;
  if (maxLabel >= numClasses) {
    fail(`labels[${labels.indexOf(maxLabel)}] is ${maxLabel}, past numClasses = ${numClasses}`);
  }
  const seen = new Map<number, string>();
  const part = (name: "train" | "valid" | "test"): Int32Array => {
    const field = `split.${name}`;
    const raw = a.split?.[name] ?? [];
    for (let i = 0; i < raw.length; i++) checkId(field, i, raw[i]!);
    const ids = Int32Array.from(raw);
    for (let i = 0; i < ids.length; i++) {
      const before = seen.get(ids[i]!);
      if (before !== undefined) fail(`${field}[${i}] is node ${ids[i]}, already in ${before}`);
      seen.set(ids[i]!, field);
      if (labels[ids[i]!]! < 0) fail(`${field}[${i}] is node ${ids[i]}, which has no label`);
    }
    return ids;
  };
  return {
    name: a.name ?? "arrays",
    graph,
    features,
    featureDim,
    labels,
    numClasses,
    split: { train: part("train"), valid: part("valid"), test: part("test") },
    ...(edgeWeights ? { edgeWeights } : {}),
  };
}

/**
 * The weights, checked, in CSR order: `csrFromEdges` places the edges of
 * `rows` by a stable counting sort, and so does this (an undirected edge's
 * two directions are entries `e` and `e + numEdges` of `rows`).
 */
function csrWeights(
  given: ArrayLike<number>,
  numEdges: number,
  rows: Int32Array,
  indptr: Int32Array,
  fail: (what: string) => never,
): Float32Array {
  if (given.length !== numEdges) {
    fail(`edgeWeights has ${given.length} entries, expected ${numEdges} (one per edge)`);
  }
  for (let e = 0; e < numEdges; e++) {
    const w = given[e]!;
    if (typeof w !== "number" || !(w >= 0) || w === Infinity || Math.fround(w) === Infinity) {
      fail(`edgeWeights[${e}] is ${w}, expected a finite non-negative number`);
    }
  }
  const fill = indptr.slice(0, indptr.length - 1);
  const out = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[fill[rows[i]!]!++] = given[i % numEdges]!;
  return out;
}

/** The feature rows as one flat float32 table and its width. */
function featureTable(
  a: NodeDatasetArrays,
  fail: (what: string) => never,
): { features: Float32Array; featureDim: number } {
  const f = a.features;
  const flat = f instanceof Float32Array || f.length === 0 || typeof f[0] === "number";
  if (flat) {
    const dim = a.featureDim ?? fail("features is one flat array: give featureDim too");
    if (!Number.isInteger(dim) || dim < 1) fail(`featureDim is ${dim}, expected at least 1`);
    const table = Float32Array.from(f as ArrayLike<number>);
    if (table.length % dim !== 0) {
      fail(`features has ${table.length} values, not a whole number of rows of ${dim}`);
    }
    return { features: table, featureDim: dim };
  }
  const rows = f as readonly ArrayLike<number>[];
  const dim = rows[0]!.length;
  if (a.featureDim !== undefined && a.featureDim !== dim) {
    fail(`features[0] has ${dim} values but featureDim is ${a.featureDim}`);
  }
  const table = new Float32Array(rows.length * dim);
  for (let v = 0; v < rows.length; v++) {
    const row = rows[v]!;
    if (row.length !== dim) fail(`features[${v}] has ${row.length} values, features[0] ${dim}`);
    table.set(row, v * dim);
  }
  return { features: table, featureDim: dim };
}

function edgeLists(
  edges: NodeDatasetArrays["edges"],
  fail: (what: string) => never,
): [ArrayLike<number>, ArrayLike<number>] {
  if (Array.isArray(edges)) {
    const pairs = edges as readonly (readonly [number, number])[];
    const source: number[] = new Array(pairs.length), target: number[] = new Array(pairs.length);
    for (let e = 0; e < pairs.length; e++) {
      const pair = pairs[e]!;
      if (pair.length !== 2) {
        fail(`edges[${e}] has ${pair.length} entries, expected [source, target]`);
      }
      source[e] = pair[0]!;
      target[e] = pair[1]!;
    }
    return [source, target];
  }
  const { source, target } = edges as EdgeLists;
  if (source.length !== target.length) {
    fail(`edges.source has ${source.length} ids but edges.target has ${target.length}`);
  }
  return [source, target];
}

function concat(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
