/** Version of the partition directory format written and read by partition/. */
export const PARTITION_FORMAT_VERSION = 1;

/** Element type of a raw little-endian array file. */
export type DType = "int32" | "float32";

/** One raw array file of a partition directory, as recorded in `meta.json`. */
export interface FileEntry {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly bytes: number;
  /** Lower-case hex SHA-256 of the file's bytes. */
  readonly sha256: string;
}

/** Per-partition counts recorded in `meta.json`. */
export interface PartitionStats {
  readonly nodes: number;
  readonly edges: number;
  readonly train: number;
  readonly valid: number;
  readonly test: number;
  readonly cached: number;
  /** Directed edges from this partition's nodes to other partitions' nodes. */
  readonly cutEdges: number;
}

/**
 * The `meta.json` of a partition directory. Partition `p` owns the global ids
 * `partitionBook[p] .. partitionBook[p + 1]`; its files live in `part_<p>/`.
 *
 * @example
 * ```ts
 * import { PARTITION_FORMAT_VERSION, type PartitionMeta } from "./partition_meta.ts";
 * const owns = (m: PartitionMeta, p: number) => m.partitionBook[p + 1]! - m.partitionBook[p]!;
 * console.log(PARTITION_FORMAT_VERSION); // 1
 * ```
 */
export interface PartitionMeta {
  readonly format: "webgnn-partition";
  readonly version: number;
  readonly dataset: {
    readonly name: string;
    readonly numNodes: number;
    readonly numEdges: number;
    readonly featureDim: number;
    readonly numClasses: number;
  };
  readonly numPartitions: number;
  readonly partitioner: string;
  readonly options: {
    readonly cacheRatio: number;
    readonly fanout: readonly number[];
    readonly seed: number;
  };
  readonly partitionBook: readonly number[];
  /** Directed edges whose endpoints are in different partitions. */
  readonly edgeCut: number;
  /** `edgeCut / numEdges`. */
  readonly edgeCutRatio: number;
  /** max / mean of the per-partition node and training-seed counts. */
  readonly balance: { readonly nodes: number; readonly train: number };
  readonly partitions: readonly PartitionStats[];
  /** Every array file, keyed by its path relative to the directory. */
  readonly files: Readonly<Record<string, FileEntry>>;
  readonly checksum: "sha256";
}
