import { makeTempOutputDir } from "./temp_output_dir.ts";
import { outputDirState } from "./output_dir_state.ts";
import type { NodeDataset } from "../engine/dataset.ts";
import { Progress } from "./_util.ts";
import { partitioningView, writeLinks } from "./_partition_links.ts";
import { assignFrequency } from "./assign_frequency.ts";
import { assignLocality } from "./assign_locality.ts";
import { assignRandom } from "./assign_random.ts";
import { samplingHotness } from "./hotness.ts";
import { writeArray } from "./_write_array.ts";
import type { PartitionOptions } from "./partition_options.ts";
import {
  type FileEntry,
  PARTITION_FORMAT_VERSION,
  type PartitionMeta,
  type PartitionStats,
} from "./partition_meta.ts";

/**
 * Partitions a dataset and writes the partition directory: nodes are
 * renumbered so partition `p` owns the contiguous global ids
 * `partitionBook[p] .. partitionBook[p + 1]` (original order kept inside a
 * partition), and `part_<p>/` holds raw little-endian arrays: `indptr`
 * (local rows) and `indices` (new global ids) of its CSR, `features`,
 * `labels`, `train`/`valid`/`test` seeds (new global ids), `orig_ids`, and
 * the hot-feature cache `cache_ids` (new global ids of the remote nodes its
 * training seeds reach most, at most `cacheRatio x` its node count) with
 * `cache_features`, and, when the dataset has edge weights, `edge_weights`
 * (one float32 per `indices` entry, moved with its row). A dataset with
 * `links` (link prediction) also gets `part_<p>/link_train.bin`, the
 * training edges whose source partition `p` owns, and `link_valid.bin`,
 * `link_test.bin` and the fixed negatives once for all partitions, as
 * (source, target) new global ids; its partitioner then balances and caches
 * by the training edges' sources instead of the node split. `meta.json`
 * records shapes, dtypes, counts, options, edge cut, balance, the SHA-256 of
 * every file and, for a weighted dataset, its largest weight
 * (`edgeWeights.maxWeight`: every owner samples with it, so that draws are
 * those of the whole graph). Everything is first written to
 * a temporary sibling directory which then replaces `output`; an `output`
 * that holds anything but a partition directory (or nothing) is refused, so
 * no unrelated data is ever deleted.
 *
 * @example
 * ```ts
 * import { generateSynthetic } from "./synthetic.ts";
 * import { partitionDataset } from "./partition_dataset.ts";
 * const ds = generateSynthetic({ scale: 0.001, quiet: true });
 * const output = await Deno.makeTempDir();
 * const meta = await partitionDataset(ds, {
 *   numPartitions: 2, partitioner: "locality", output, quiet: true,
 * });
 * console.log(meta.partitionBook.length); // 3
 * await Deno.remove(output, { recursive: true });
 * ```
 */
export async function partitionDataset(
  dataset: NodeDataset,
  options: PartitionOptions,
): Promise<PartitionMeta> {
  const p = options.numPartitions;
  const n = dataset.graph.numNodes;
  if (!Number.isInteger(p) || p < 1 || p > n) {
    throw new RangeError(
      `partitionDataset: numPartitions must be an integer in 1..${n}, got ${p}`,
    );
  }
  const cacheRatio = options.cacheRatio ?? 0;
  if (!(cacheRatio >= 0 && cacheRatio <= 1)) {
    throw new RangeError(
      `partitionDataset: cacheRatio must be in [0, 1], got ${cacheRatio}`,
    );
  }
  const fanout = options.fanout ?? [15, 10, 5];
  if (fanout.length === 0 || fanout.some((k) => !(Number.isInteger(k) && k > 0))) {
    throw new RangeError(
      `partitionDataset: fanout must be positive integers, got ${fanout.join(",")}`,
    );
  }
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
    throw new Error("partitionDataset: this format needs a little-endian host");
  }
  const seed = options.seed ?? 0;
  const progress = new Progress(options);
  const view = partitioningView(dataset);
  const maxWeight = dataset.edgeWeights ? checkedMaxWeight(dataset) : undefined;

  let part: Int32Array;
  let hotness: readonly Float32Array[] | undefined;
  switch (options.partitioner) {
    case "random":
      part = assignRandom(view, p, seed);
      break;
    case "locality":
      part = assignLocality(view, p, { progress });
      break;
    case "frequency": {
      const r = assignFrequency(view, p, fanout, seed, { progress });
      part = r.part;
      hotness = r.hotness;
      break;
    }
    default:
      throw new RangeError(
        `partitionDataset: unknown partitioner '${String(options.partitioner)}'`,
      );
  }

  // renumber: partition q owns [book[q], book[q + 1]); original order within
  const book = new Int32Array(p + 1);
  for (let v = 0; v < n; v++) book[part[v]! + 1]!++;
  for (let q = 0; q < p; q++) book[q + 1]! += book[q]!;
  const newId = new Int32Array(n);
  const oldId = new Int32Array(n);
  const fill = book.slice(0, p);
  for (let v = 0; v < n; v++) {
    const id = fill[part[v]!]!++;
    newId[v] = id;
    oldId[id] = v;
  }

  await checkReplaceable(options.output);
  const parent = dirName(options.output);
  await Deno.mkdir(parent, { recursive: true });
  const tmp = await makeTempOutputDir(parent, baseName(options.output));
  options.onTempDir?.(tmp);
  try {
    const files: Record<string, FileEntry> = {};
    const stats: PartitionStats[] = [];
    let edgeCut = 0;
    for (let q = 0; q < p; q++) {
      const hot = hotness?.[q] ??
        samplingHotness(dataset.graph, ownSeeds(view.split.train, part, q), fanout);
      const s = await writePartition(
        dataset,
        q,
        { book, part, newId, oldId, hot, cacheRatio, tmp, files },
        progress,
      );
      stats.push(s);
      edgeCut += s.cutEdges;
    }
    await writeArray(tmp, "partition_book.bin", book, [p + 1], files);
    const links = dataset.links &&
      await writeLinks(dataset.links, { part, newId, numPartitions: p, tmp, files });
    const numEdges = dataset.graph.indptr[n]!;
    const meta: PartitionMeta = {
      format: "webgnn-partition",
      version: PARTITION_FORMAT_VERSION,
      dataset: {
        name: dataset.name,
        numNodes: n,
        numEdges,
        featureDim: dataset.featureDim,
        numClasses: dataset.numClasses,
      },
      numPartitions: p,
      partitioner: options.partitioner,
      options: { cacheRatio, fanout: [...fanout], seed },
      partitionBook: Array.from(book),
      edgeCut,
      edgeCutRatio: numEdges > 0 ? edgeCut / numEdges : 0,
      balance: {
        nodes: maxOverMean(stats.map((s) => s.nodes)),
        train: maxOverMean(stats.map((s) => s.train)),
        ...(links ? { linkTrain: maxOverMean(links.perPartition) } : {}),
      },
      partitions: links
        ? stats.map((s, q) => ({ ...s, linkTrain: links.perPartition[q]! }))
        : stats,
      ...(links ? { links: links.counts } : {}),
      files,
      checksum: "sha256",
      edgeWeights: maxWeight === undefined ? null : { maxWeight },
    };
    await Deno.writeTextFile(`${tmp}/meta.json`, JSON.stringify(meta, null, 2) + "\n");
    await replaceDir(tmp, options.output);
    return meta;
  } catch (e) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw e;
  }
}

interface Renumbering {
  readonly book: Int32Array;
  readonly part: Int32Array;
  readonly newId: Int32Array;
  readonly oldId: Int32Array;
  readonly hot: Float32Array;
  readonly cacheRatio: number;
  readonly tmp: string;
  readonly files: Record<string, FileEntry>;
}

async function writePartition(
  d: NodeDataset,
  q: number,
  r: Renumbering,
  progress: Progress,
): Promise<PartitionStats> {
  const { book, part, newId, oldId, hot, tmp, files } = r;
  const { indptr: gp, indices: gi } = d.graph;
  const f = d.featureDim;
  const start = book[q]!;
  const count = book[q + 1]! - start;
  const dir = `part_${q}`;
  await Deno.mkdir(`${tmp}/${dir}`);
  progress.start(`write partition ${q}`, 4);

  const orig = oldId.slice(start, start + count);
  const indptr = new Int32Array(count + 1);
  for (let i = 0; i < count; i++) {
    const v = orig[i]!;
    indptr[i + 1] = indptr[i]! + gp[v + 1]! - gp[v]!;
  }
  const indices = new Int32Array(indptr[count]!);
  const gw = d.edgeWeights;
  const weights = gw ? new Float32Array(indices.length) : undefined;
  let cut = 0;
  for (let i = 0, w = 0; i < count; i++) {
    const v = orig[i]!;
    for (let e = gp[v]!, end = gp[v + 1]!; e < end; e++) {
      const u = gi[e]!;
      if (part[u] !== q) cut++;
      if (weights) weights[w] = gw![e]!;
      indices[w++] = newId[u]!;
    }
  }
  await writeArray(tmp, `${dir}/indptr.bin`, indptr, [count + 1], files);
  await writeArray(tmp, `${dir}/indices.bin`, indices, [indices.length], files);
  if (weights) {
    await writeArray(tmp, `${dir}/edge_weights.bin`, weights, [weights.length], files);
  }
  progress.tick(1);

  const features = new Float32Array(count * f);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = orig[i]!;
    features.set(d.features.subarray(v * f, (v + 1) * f), i * f);
    labels[i] = d.labels[v]!;
  }
  await writeArray(tmp, `${dir}/features.bin`, features, [count, f], files);
  await writeArray(tmp, `${dir}/labels.bin`, labels, [count], files);
  await writeArray(tmp, `${dir}/orig_ids.bin`, orig, [count], files);
  progress.tick(2);

  const splitCounts: number[] = [];
  for (const name of ["train", "valid", "test"] as const) {
    const ids = mapOwned(d.split[name], part, newId, q);
    splitCounts.push(ids.length);
    await writeArray(tmp, `${dir}/${name}.bin`, ids, [ids.length], files);
  }
  progress.tick(3);

  const cacheIds = hottestRemote(hot, part, newId, q, Math.floor(r.cacheRatio * count));
  const cacheFeatures = new Float32Array(cacheIds.length * f);
  for (let i = 0; i < cacheIds.length; i++) {
    const v = oldId[cacheIds[i]!]!;
    cacheFeatures.set(d.features.subarray(v * f, (v + 1) * f), i * f);
  }
  await writeArray(tmp, `${dir}/cache_ids.bin`, cacheIds, [cacheIds.length], files);
  await writeArray(
    tmp,
    `${dir}/cache_features.bin`,
    cacheFeatures,
    [cacheIds.length, f],
    files,
  );
  progress.done();
  return {
    nodes: count,
    edges: indices.length,
    train: splitCounts[0]!,
    valid: splitCounts[1]!,
    test: splitCounts[2]!,
    cached: cacheIds.length,
    cutEdges: cut,
  };
}

function ownSeeds(train: Int32Array, part: Int32Array, q: number): Int32Array {
  return train.filter((v) => part[v] === q);
}

/** New global ids of the nodes of `ids` owned by partition q, ascending. */
function mapOwned(
  ids: Int32Array,
  part: Int32Array,
  newId: Int32Array,
  q: number,
): Int32Array {
  let k = 0;
  for (const v of ids) if (part[v] === q) k++;
  const out = new Int32Array(k);
  k = 0;
  for (const v of ids) if (part[v] === q) out[k++] = newId[v]!;
  return out.sort();
}

/**
 * New global ids (ascending) of the at most `limit` remote nodes with the
 * highest positive hotness; ties at the threshold are taken in id order.
 */
function hottestRemote(
  hot: Float32Array,
  part: Int32Array,
  newId: Int32Array,
  q: number,
  limit: number,
): Int32Array {
  if (limit <= 0) return new Int32Array(0);
  let k = 0;
  for (let v = 0; v < hot.length; v++) if (part[v] !== q && hot[v]! > 0) k++;
  const values = new Float32Array(k);
  k = 0;
  for (let v = 0; v < hot.length; v++) {
    if (part[v] !== q && hot[v]! > 0) values[k++] = hot[v]!;
  }
  if (k === 0) return new Int32Array(0);
  values.sort();
  const take = Math.min(limit, k);
  const threshold = values[k - take]!;
  let above = 0;
  for (let i = k - take; i < k; i++) if (values[i]! > threshold) above++;
  let ties = take - above;
  const out = new Int32Array(take);
  let w = 0;
  for (let v = 0; v < hot.length; v++) {
    if (part[v] === q) continue;
    const h = hot[v]!;
    if (h > threshold || (h === threshold && ties-- > 0)) out[w++] = newId[v]!;
  }
  return out.sort();
}

/** The largest edge weight, after checking there is one finite non-negative weight per edge. */
function checkedMaxWeight(d: NodeDataset): number {
  const w = d.edgeWeights!;
  if (w.length !== d.graph.indices.length) {
    throw new RangeError(
      `partitionDataset: ${d.name} has ${w.length} edge weights for ${d.graph.indices.length} edges`,
    );
  }
  let max = 0;
  for (let e = 0; e < w.length; e++) {
    const x = w[e]!;
    if (!(x >= 0 && x < Infinity)) {
      throw new RangeError(
        `partitionDataset: ${d.name}'s edge weight ${x} (edge ${e}) is not finite and non-negative`,
      );
    }
    if (x > max) max = x;
  }
  return max;
}

function maxOverMean(xs: number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return mean > 0 ? Math.max(...xs) / mean : 1;
}

function dirName(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const i = trimmed.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : trimmed.slice(0, i);
}

function baseName(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** Refuses an output path that holds something other than a partition directory. */
async function checkReplaceable(target: string): Promise<void> {
  if (await outputDirState(target) === "other") {
    throw new Error(
      `partitionDataset: ${target} is not a webgnn partition directory (no meta.json of format webgnn-partition) and is not empty; refusing to replace it`,
    );
  }
}

/** Moves `tmp` to `target`, removing the partition directory `target` held before. */
async function replaceDir(tmp: string, target: string): Promise<void> {
  await checkReplaceable(target);
  let old: string | undefined;
  try {
    await Deno.stat(target);
    old = `${tmp}.old`;
    await Deno.rename(target, old);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  await Deno.rename(tmp, target);
  if (old) await Deno.remove(old, { recursive: true });
}
