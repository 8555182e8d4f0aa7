import type { CsrGraph } from "../engine/graph.ts";
import { loadPartitionSeeds, type PartitionSeeds } from "./load_partition_seeds.ts";
import { readArray } from "./_read_array.ts";

/**
 * One partition as held in memory by its owner.
 *
 * @example
 * ```ts
 * import type { LoadedPartition } from "./load_partition.ts";
 * const ownedNodes = (p: LoadedPartition) => p.partitionBook[p.partition + 1]! - p.offset;
 * ```
 */
export interface LoadedPartition extends PartitionSeeds {
  /** Local rows (`numNodes` = owned nodes), neighbour ids are global. */
  readonly graph: CsrGraph;
  /** Row-major `numNodes x featureDim`. */
  readonly features: Float32Array;
  /** Dataset id of each owned node before renumbering. */
  readonly origIds: Int32Array;
  /** Hot remote nodes: ascending global ids and their feature rows. */
  readonly cache: { readonly ids: Int32Array; readonly features: Float32Array };
  /**
   * One weight per `graph.indices` entry, when the dataset is weighted
   * (`meta.edgeWeights.maxWeight` is the whole dataset's largest).
   */
  readonly edgeWeights?: Float32Array;
}

/**
 * Opens partition `partition` of a partition directory, checking the format
 * version, the byte size, shape and SHA-256 of every file it reads (the edge
 * weights too, when the directory has them, unless `options.edgeWeights` is
 * false: a run that samples uniformly skips a file as large as the graph's
 * indices). Any
 * mismatch, truncation or version change throws
 * {@linkcode PartitionFormatError} naming the file.
 *
 * @example
 * ```ts
 * import { generateSynthetic } from "./synthetic.ts";
 * import { partitionDataset } from "./partition_dataset.ts";
 * import { loadPartition } from "./load_partition.ts";
 * const output = await Deno.makeTempDir();
 * await partitionDataset(generateSynthetic({ scale: 0.001, quiet: true }), {
 *   numPartitions: 2, partitioner: "random", output, quiet: true,
 * });
 * const p1 = await loadPartition(output, 1);
 * console.log(p1.offset === p1.partitionBook[1]); // true
 * await Deno.remove(output, { recursive: true });
 * ```
 */
export async function loadPartition(
  dir: string,
  partition: number,
  options: { readonly edgeWeights?: boolean } = {},
): Promise<LoadedPartition> {
  const seeds = await loadPartitionSeeds(dir, partition);
  const meta = seeds.meta;
  const count = meta.partitionBook[partition + 1]! - meta.partitionBook[partition]!;
  const f = meta.dataset.featureDim;
  const part = `part_${partition}`;
  const int = (name: string, shape?: number[]) => readArray(dir, meta, name, "int32", shape);
  const indptr = await int(`${part}/indptr.bin`, [count + 1]);
  const indices = await int(`${part}/indices.bin`, [indptr[count] ?? 0]);
  const features = await readArray(dir, meta, `${part}/features.bin`, "float32", [count, f]);
  const origIds = await int(`${part}/orig_ids.bin`, [count]);
  const edgeWeights = meta.edgeWeights === null || options.edgeWeights === false
    ? undefined
    : await readArray(dir, meta, `${part}/edge_weights.bin`, "float32", [indices.length]);
  const cacheIds = await int(`${part}/cache_ids.bin`);
  const cacheFeatures = await readArray(
    dir,
    meta,
    `${part}/cache_features.bin`,
    "float32",
    [cacheIds.length, f],
  );
  return {
    ...seeds,
    graph: { numNodes: count, indptr, indices },
    features,
    origIds,
    cache: { ids: cacheIds, features: cacheFeatures },
    ...(edgeWeights ? { edgeWeights } : {}),
  };
}
