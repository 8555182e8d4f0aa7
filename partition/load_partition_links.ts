import type { LinkEdges } from "../engine/link_split.ts";
import { loadPartitionMeta } from "./load_partition_meta.ts";
import { PartitionFormatError } from "./partition_format_error.ts";
import type { PartitionMeta } from "./partition_meta.ts";
import { readArray } from "./_read_array.ts";

/**
 * The link-prediction edges a trainer of one partition reads, in global ids:
 * its own training edges and every validation, test and negative edge (the
 * ranks each score a share of those and combine their scores).
 *
 * @example
 * ```ts
 * import type { PartitionLinks } from "./load_partition_links.ts";
 * // the sum of the global numbers of the training edges a rank trains on in one epoch
 * const idSum = (l: PartitionLinks) => {
 *   const k = l.train.source.length;
 *   return k * l.trainOffset + (k * (k - 1)) / 2;
 * };
 * ```
 */
export interface PartitionLinks {
  /** The directory's `meta.json`, checked. */
  readonly meta: PartitionMeta;
  /** Which partition these edges belong to, `0 .. meta.numPartitions - 1`. */
  readonly partition: number;
  /** This partition's training edges: the ones whose source it owns. */
  readonly train: LinkEdges;
  /**
   * Global number of this partition's first training edge: training edges are numbered
   * partition by partition (`train.source[i]` is edge `trainOffset + i`), so that the cluster
   * can check that every one of the `numTrain` was trained on exactly once per epoch.
   */
  readonly trainOffset: number;
  /** Training edges in all partitions. */
  readonly numTrain: number;
  /** Every validation edge. */
  readonly valid: LinkEdges;
  /** Every test edge. */
  readonly test: LinkEdges;
  /** Every fixed negative validation edge, when the dataset gave them. */
  readonly validNeg?: LinkEdges;
  /** Every fixed negative test edge, when the dataset gave them. */
  readonly testNeg?: LinkEdges;
}

/**
 * Opens the link-prediction edges of partition `partition` of a partition
 * directory, each file checked as `loadPartition` checks its files (listed
 * in `meta.json`, size, shape, SHA-256), and every id checked to be a node
 * (and a training edge's source one of this partition's). A directory made
 * without links, or any mismatch, throws {@linkcode PartitionFormatError}
 * naming the file.
 *
 * @example
 * ```ts
 * import { generateSynthetic } from "./synthetic.ts";
 * import { splitEdges } from "./split_edges.ts";
 * import { partitionDataset } from "./partition_dataset.ts";
 * import { loadPartitionLinks } from "./load_partition_links.ts";
 * const output = await Deno.makeTempDir();
 * const ds = splitEdges(generateSynthetic({ scale: 0.001, quiet: true }), [0.8, 0.1, 0.1], 0);
 * await partitionDataset(ds, { numPartitions: 2, partitioner: "random", output, quiet: true });
 * const [l0, l1] = [await loadPartitionLinks(output, 0), await loadPartitionLinks(output, 1)];
 * console.log(l1.trainOffset === l0.train.source.length); // true
 * console.log(l0.test.source.length === ds.links!.test.source.length); // true
 * await Deno.remove(output, { recursive: true });
 * ```
 */
export async function loadPartitionLinks(
  dir: string,
  partition: number,
): Promise<PartitionLinks> {
  const meta = await loadPartitionMeta(dir);
  if (!Number.isInteger(partition) || partition < 0 || partition >= meta.numPartitions) {
    throw new RangeError(
      `loadPartitionLinks: the partition index must be in 0..${
        meta.numPartitions - 1
      }, got ${partition}`,
    );
  }
  const links = meta.links;
  if (!links) {
    throw new PartitionFormatError(
      "meta.json",
      "holds no link-prediction edges: partition a dataset with a link split " +
        "(two-column split/NAME/ files) or with --edge_split",
    );
  }
  const n = meta.dataset.numNodes;
  const book = meta.partitionBook;
  const read = async (name: string, rows: number, lo = 0, hi = n): Promise<LinkEdges> => {
    const pairs = await readArray(dir, meta, name, "int32", [rows, 2]);
    const source = new Int32Array(rows);
    const target = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      const s = pairs[2 * i]!, t = pairs[2 * i + 1]!;
      if (!(s >= lo && s < hi && t >= 0 && t < n)) {
        throw new PartitionFormatError(
          name,
          `edge ${i} runs ${s} -> ${t}; expected a source in ${lo}..${hi - 1} and a target in ` +
            `0..${n - 1}`,
        );
      }
      source[i] = s;
      target[i] = t;
    }
    return { source, target };
  };
  let trainOffset = 0;
  for (let p = 0; p < partition; p++) trainOffset += meta.partitions[p]!.linkTrain!;
  const train = await read(
    `part_${partition}/link_train.bin`,
    meta.partitions[partition]!.linkTrain!,
    book[partition]!,
    book[partition + 1]!,
  );
  const validNeg = links.validNeg === undefined
    ? undefined
    : await read("link_valid_neg.bin", links.validNeg);
  const testNeg = links.testNeg === undefined
    ? undefined
    : await read("link_test_neg.bin", links.testNeg);
  return {
    meta,
    partition,
    train,
    trainOffset,
    numTrain: links.train,
    valid: await read("link_valid.bin", links.valid),
    test: await read("link_test.bin", links.test),
    ...(validNeg ? { validNeg } : {}),
    ...(testNeg ? { testNeg } : {}),
  };
}
