import { loadPartitionMeta } from "./load_partition_meta.ts";
import type { PartitionMeta } from "./partition_meta.ts";
import { readArray } from "./_read_array.ts";

/**
 * What a trainer needs of its partition besides the graph and features: seeds and labels.
 *
 * @example
 * ```ts
 * import type { PartitionSeeds } from "./load_partition_seeds.ts";
 * const labelOf = (s: PartitionSeeds, id: number) => s.labels[id - s.offset]!;
 * ```
 */
export interface PartitionSeeds {
  /** The directory's `meta.json`, checked. */
  readonly meta: PartitionMeta;
  /** Which partition these seeds are, `0 .. meta.numPartitions - 1`. */
  readonly partition: number;
  /** `numPartitions + 1` offsets; partition p owns `[book[p], book[p + 1])`. */
  readonly partitionBook: Int32Array;
  /** First global id owned by this partition (`partitionBook[partition]`). */
  readonly offset: number;
  /** Labels of the owned nodes, local order (global id - `offset`). */
  readonly labels: Int32Array;
  /** Global ids of the owned train/valid/test seeds, ascending. */
  readonly train: Int32Array;
  /** Global ids of the owned validation seeds, ascending. */
  readonly valid: Int32Array;
  /** Global ids of the owned test seeds, ascending. */
  readonly test: Int32Array;
}

/**
 * Opens the seeds and labels of partition `partition` of a partition directory,
 * checked as `loadPartition` checks them, without reading its graph and
 * features: for processes whose sampling and features run elsewhere (a
 * Worker, a sampling server), which would otherwise hold a second copy.
 *
 * @example
 * ```ts
 * import { generateSynthetic } from "./synthetic.ts";
 * import { partitionDataset } from "./partition_dataset.ts";
 * import { loadPartitionSeeds } from "./load_partition_seeds.ts";
 * const output = await Deno.makeTempDir();
 * await partitionDataset(generateSynthetic({ scale: 0.001, quiet: true }), {
 *   numPartitions: 2, partitioner: "random", output, quiet: true,
 * });
 * const p1 = await loadPartitionSeeds(output, 1);
 * console.log(p1.train.every((id) => id >= p1.offset)); // true
 * await Deno.remove(output, { recursive: true });
 * ```
 */
export async function loadPartitionSeeds(dir: string, partition: number): Promise<PartitionSeeds> {
  const meta = await loadPartitionMeta(dir);
  if (!Number.isInteger(partition) || partition < 0 || partition >= meta.numPartitions) {
    throw new RangeError(
      `loadPartition: the partition index must be in 0..${
        meta.numPartitions - 1
      }, got ${partition}`,
    );
  }
  const count = meta.partitionBook[partition + 1]! - meta.partitionBook[partition]!;
  const part = `part_${partition}`;
  const int = (name: string, shape?: number[]) => readArray(dir, meta, name, "int32", shape);
  const partitionBook = await int("partition_book.bin", [meta.numPartitions + 1]);
  return {
    meta,
    partition,
    partitionBook,
    offset: partitionBook[partition]!,
    labels: await int(`${part}/labels.bin`, [count]),
    train: await int(`${part}/train.bin`),
    valid: await int(`${part}/valid.bin`),
    test: await int(`${part}/test.bin`),
  };
}
