import type { NodeDataset } from "../engine/dataset.ts";
import { readCsv } from "./_csv.ts";
import { Progress, type ProgressOptions, undirectedOffsets } from "./_util.ts";
import { OgbFormatError } from "./ogb_format_error.ts";
import { weightedUndirectedCsr } from "./_weighted_csr.ts";
import { type OgbFile, readOgbSplit } from "./_ogb_split.ts";

/**
 * Options of {@linkcode loadOgbDataset}.
 *
 * @example
 * ```ts
 * import type { OgbLoadOptions } from "./ogb_loader.ts";
 * const products: OgbLoadOptions = { name: "ogbn-products", quiet: true };
 * ```
 */
export interface OgbLoadOptions extends ProgressOptions {
  /** Dataset name; defaults to the directory's base name. */
  readonly name?: string;
  /** Split subdirectory under `split/`; needed only when there are several. */
  readonly split?: string;
  /**
   * Accept a directory without `split/` (a graph to make a link split of, `--edge_split`): its
   * node split is then empty and `raw/node-label` optional.
   */
  readonly splitOptional?: boolean;
}

/**
 * Loads an OGB node- or link-property-prediction dataset from its raw directory layout:
 * `raw/edge.csv.gz` (one `src,dst` pair per line, undirected: loaded in both
 * directions, duplicates and self-loops dropped), `raw/node-feat.csv.gz` (one
 * row of floats per node; its row count is the node count unless
 * `raw/num-node-list.csv.gz` gives it), `raw/node-label.csv.gz` (one class per
 * node; empty or `nan` means unlabeled, stored as -1) and
 * `split/<name>/{train,valid,test}.csv.gz`: node ids (one column), or
 * source,destination edges (two columns) as `links`, with the fixed negatives
 * `valid_neg` and `test_neg` where present; such a link split leaves the node
 * split empty and may come without `raw/node-label` (labels all -1, no
 * classes); with `splitOptional`, a directory without `split/` loads with an
 * empty node split. And, where present,
 * `raw/edge-weight.csv.gz` (one finite non-negative weight per line of
 * `raw/edge.csv`, applied to both directions; of duplicate edges the first
 * line's weight is kept) as `edgeWeights`. Every file may also be
 * plain `.csv`. Files are streamed and parsed byte by byte; a missing or
 * malformed file throws {@linkcode OgbFormatError} naming the file and line.
 *
 * @example
 * ```ts ignore
 * import { loadOgbDataset } from "./ogb_loader.ts";
 * const ds = await loadOgbDataset("data/products");
 * console.log(ds.graph.numNodes, ds.featureDim, ds.numClasses);
 * ```
 */
export async function loadOgbDataset(
  root: string,
  options: OgbLoadOptions = {},
): Promise<NodeDataset> {
  const progress = new Progress(options);
  const name = options.name ?? baseName(root);

  let numNodes: number | undefined;
  const countFile = await findFile(root, "raw/num-node-list", false);
  if (countFile) {
    const t = await readCsv(countFile.path, {
      mode: "int",
      columns: 1,
      displayName: countFile.display,
    });
    if (t.rows !== 1) {
      throw new OgbFormatError(
        countFile.display,
        undefined,
        `expected exactly one node count, found ${t.rows} rows`,
      );
    }
    numNodes = t.values[0]!;
  }

  const featFile = (await findFile(root, "raw/node-feat", true))!;
  const feat = await readCsv(featFile.path, {
    mode: "float",
    displayName: featFile.display,
    progress,
    ...(numNodes === undefined ? {} : { rowsHint: numNodes }),
  });
  if (numNodes !== undefined && feat.rows !== numNodes) {
    throw new OgbFormatError(
      featFile.display,
      feat.rows + 1,
      `expected ${numNodes} rows (raw/num-node-list), found ${feat.rows}`,
    );
  }
  const n = numNodes ?? feat.rows;

  const edgeFile = (await findFile(root, "raw/edge", true))!;
  const edges = await readCsv(edgeFile.path, {
    mode: "int",
    columns: 2,
    below: n,
    displayName: edgeFile.display,
    progress,
  });

  const splitDir = options.splitOptional && options.split === undefined &&
      !(await isDirectory(`${root}/split`))
    ? undefined
    : await findSplitDir(root, options.split);
  const empty = new Int32Array(0);
  const { split, links } = splitDir === undefined
    ? { split: { train: empty, valid: empty, test: empty }, links: undefined }
    : await readOgbSplit(splitDir, n, (stem, required) => findFile(root, stem, required));

  // A link split may come without node labels (ogbl-*); a node split needs them.
  const labelFile = await findFile(
    root,
    "raw/node-label",
    links === undefined && splitDir !== undefined,
  );
  const labels = labelFile ? await readLabels(labelFile, n) : new Int32Array(n).fill(-1);
  let numClasses = 0;
  for (let v = 0; v < n; v++) numClasses = Math.max(numClasses, labels[v]! + 1);

  const weightFile = await findFile(root, "raw/edge-weight", false);
  const weighted = weightFile
    ? weightedUndirectedCsr(
      n,
      edges.values,
      await readWeights(weightFile, edgeFile.display, edges.rows, progress),
      progress,
    )
    : undefined;
  const graph = weighted?.graph ?? undirectedCsr(n, edges.values, progress);
  return {
    name,
    graph,
    ...(weighted ? { edgeWeights: weighted.weights } : {}),
    features: feat.values,
    featureDim: feat.columns,
    labels,
    numClasses,
    split,
    ...(links ? { links } : {}),
  };
}

function baseName(path: string): string {
  const parts = path.replace(/\/+$/, "").split("/");
  return parts[parts.length - 1] || path;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** Finds `<stem>.csv.gz` or `<stem>.csv` under root. */
async function findFile(
  root: string,
  stem: string,
  required: boolean,
): Promise<OgbFile | undefined> {
  for (const ext of [".csv.gz", ".csv"]) {
    const path = `${root}/${stem}${ext}`;
    if (await exists(path)) return { path, display: `${stem}${ext}` };
  }
  if (!required) return undefined;
  throw new OgbFormatError(
    `${root}/${stem}.csv.gz`,
    undefined,
    "missing file (expected it, or a plain .csv, in the OGB raw layout)",
  );
}

async function findSplitDir(
  root: string,
  wanted: string | undefined,
): Promise<string> {
  if (wanted !== undefined) return wanted;
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(`${root}/split`)) {
      if (entry.isDirectory) names.push(entry.name);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  if (names.length !== 1) {
    throw new OgbFormatError(
      `${root}/split`,
      undefined,
      names.length === 0
        ? "missing split directory (expected split/<name>/train.csv.gz)"
        : `expected one split subdirectory, found ${names.sort().join(", ")}`,
    );
  }
  return names[0]!;
}

/** One weight per edge line, each finite and non-negative. */
async function readWeights(
  file: OgbFile,
  edgeDisplay: string,
  edges: number,
  progress: Progress,
): Promise<Float32Array> {
  const t = await readCsv(file.path, {
    mode: "float",
    columns: 1,
    rowsHint: edges,
    displayName: file.display,
    progress,
  });
  if (t.rows !== edges) {
    throw new OgbFormatError(
      file.display,
      t.rows < edges ? t.rows + 1 : edges + 1,
      `expected ${edges} weights (one per line of ${edgeDisplay}), found ${t.rows}`,
    );
  }
  for (let e = 0; e < edges; e++) {
    const w = t.values[e]!;
    if (!(w >= 0) || w === Infinity) {
      throw new OgbFormatError(
        file.display,
        e + 1,
        `weight ${w} is not a finite non-negative number`,
      );
    }
  }
  return t.values;
}

/** One label per node; an empty field or `nan` is -1 (unlabeled). */
async function readLabels(file: OgbFile, n: number): Promise<Int32Array> {
  const t = await readCsv(file.path, {
    mode: "label",
    columns: 1,
    rowsHint: n,
    displayName: file.display,
  });
  if (t.rows !== n) {
    throw new OgbFormatError(
      file.display,
      t.rows + 1,
      `expected ${n} rows (one per node), found ${t.rows}`,
    );
  }
  return t.values;
}

/**
 * Builds the CSR of an undirected graph from interleaved (src, dst) pairs:
 * both directions, rows sorted, duplicates and self-loops removed.
 */
function undirectedCsr(
  n: number,
  pairs: Int32Array,
  progress: Progress,
): { numNodes: number; indptr: Int32Array; indices: Int32Array } {
  const m = pairs.length >>> 1;
  const indptr = undirectedOffsets(n, pairs);
  const indices = new Int32Array(indptr[n]!);
  const fill = indptr.slice(0, n);
  for (let e = 0; e < m; e++) {
    const s = pairs[2 * e]!;
    const d = pairs[2 * e + 1]!;
    if (s === d) continue;
    indices[fill[s]!++] = d;
    indices[fill[d]!++] = s;
  }
  progress.start("sort neighbours", n);
  let w = 0;
  let start = 0;
  for (let v = 0; v < n; v++) {
    const end = indptr[v + 1]!;
    if (end - start > 1) indices.subarray(start, end).sort();
    indptr[v] = w;
    let prev = -1;
    for (let i = start; i < end; i++) {
      const x = indices[i]!;
      if (x !== prev) indices[w++] = x;
      prev = x;
    }
    start = end;
    if ((v & 0xffff) === 0) progress.tick(v);
  }
  indptr[n] = w;
  progress.done();
  return {
    numNodes: n,
    indptr,
    indices: w * 4 >= indices.length * 3 ? indices.subarray(0, w) : indices.slice(0, w),
  };
}
