import type { ProgressOptions } from "./_util.ts";

/**
 * The partitioners {@linkcode partitionDataset} knows.
 *
 * @example
 * ```ts
 * import type { PartitionerName } from "./partition_options.ts";
 * const partitioners: PartitionerName[] = ["random", "frequency", "locality"];
 * ```
 */
export type PartitionerName = "random" | "frequency" | "locality";

/**
 * Options of {@linkcode partitionDataset}.
 *
 * @example
 * ```ts
 * import type { PartitionOptions } from "./partition_options.ts";
 * const options: PartitionOptions = {
 *   numPartitions: 4, partitioner: "frequency", output: "products-4", cacheRatio: 0.1, quiet: true,
 * };
 * ```
 */
export interface PartitionOptions extends ProgressOptions {
  /** Partitions to write, at least 1 and at most the dataset's node count. */
  readonly numPartitions: number;
  /** How nodes are assigned: `random`, `frequency` (by sampling hotness) or `locality` (LDG). */
  readonly partitioner: PartitionerName;
  /** Output directory; replaced as a whole if it exists. */
  readonly output: string;
  /** Hot-feature cache size per partition, as a fraction of its node count. */
  readonly cacheRatio?: number;
  /** Sampling fan-out used to estimate hotness (frequency and cache). */
  readonly fanout?: readonly number[];
  /** Seed of the random assignment and of the sampling that estimates hotness (default 0). */
  readonly seed?: number;
  /**
   * Hears the hidden temporary directory's path as soon as it exists, so
   * that a command interrupted while writing can remove it.
   */
  readonly onTempDir?: (path: string) => void;
}
