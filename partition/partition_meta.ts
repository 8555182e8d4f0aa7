/**
 * Version of the partition directory format written and read by partition/.
 *
 * @example
 * ```ts
 * import { PARTITION_FORMAT_VERSION } from "./partition_meta.ts";
 * const readable = (meta: { version: number }) => meta.version === PARTITION_FORMAT_VERSION;
 * ```
 */
export const PARTITION_FORMAT_VERSION = 2;

/**
 * Element type of a raw little-endian array file.
 *
 * @example
 * ```ts
 * import type { DType } from "./partition_meta.ts";
 * const view = (dtype: DType, bytes: ArrayBuffer) =>
 *   dtype === "int32" ? new Int32Array(bytes) : new Float32Array(bytes);
 * ```
 */
export type DType = "int32" | "float32";

/**
 * One raw array file of a partition directory, as recorded in `meta.json`.
 *
 * @example
 * ```ts
 * import type { FileEntry } from "./partition_meta.ts";
 * const indptr: FileEntry = { dtype: "int32", shape: [1001], bytes: 4004, sha256: "0".repeat(64) };
 * ```
 */
export interface FileEntry {
  /** Element type of the file's little-endian values. */
  readonly dtype: DType;
  /** Array shape, row-major: `[rows]` or `[rows, columns]`. */
  readonly shape: readonly number[];
  /** File size in bytes: the product of `shape` times 4. */
  readonly bytes: number;
  /** Lower-case hex SHA-256 of the file's bytes. */
  readonly sha256: string;
}

/**
 * Per-partition counts recorded in `meta.json`.
 *
 * @example
 * ```ts
 * import type { PartitionStats } from "./partition_meta.ts";
 * const cutShare = (s: PartitionStats) => (s.edges === 0 ? 0 : s.cutEdges / s.edges);
 * ```
 */
export interface PartitionStats {
  /** Nodes the partition owns (its slice of the partition book). */
  readonly nodes: number;
  /** Directed edges out of the owned nodes (their CSR rows). */
  readonly edges: number;
  /** Owned training seeds. */
  readonly train: number;
  /** Owned validation seeds. */
  readonly valid: number;
  /** Owned test seeds. */
  readonly test: number;
  /** Hot remote nodes whose feature rows this partition keeps a copy of. */
  readonly cached: number;
  /** Directed edges from this partition's nodes to other partitions' nodes. */
  readonly cutEdges: number;
  /**
   * Link-prediction training edges whose source this partition owns (`part_<p>/link_train.bin`);
   * present when the directory has `links`.
   */
  readonly linkTrain?: number;
}

/**
 * The `meta.json` of a partition directory. Partition `p` owns the global ids
 * `partitionBook[p] .. partitionBook[p + 1]`; its files live in `part_<p>/`.
 *
 * @example
 * ```ts
 * import { PARTITION_FORMAT_VERSION, type PartitionMeta } from "./partition_meta.ts";
 * const owns = (m: PartitionMeta, p: number) => m.partitionBook[p + 1]! - m.partitionBook[p]!;
 * console.log(PARTITION_FORMAT_VERSION); // 2
 * ```
 */
export interface PartitionMeta {
  /** Always `"webgnn-partition"`: marks the directory as one of ours. */
  readonly format: "webgnn-partition";
  /** Format version, `PARTITION_FORMAT_VERSION` when written; a reader refuses any other. */
  readonly version: number;
  /** The whole dataset's sizes, before partitioning. */
  readonly dataset: {
    readonly name: string;
    readonly numNodes: number;
    readonly numEdges: number;
    readonly featureDim: number;
    readonly numClasses: number;
  };
  /** Number of partitions, and of `part_<p>/` directories. */
  readonly numPartitions: number;
  /** The partitioner that assigned the nodes (`random`, `frequency` or `locality`). */
  readonly partitioner: string;
  /** The partitioning options used, defaults filled in. */
  readonly options: {
    readonly cacheRatio: number;
    readonly fanout: readonly number[];
    readonly seed: number;
  };
  /** `numPartitions + 1` global-id offsets, from 0 to the node count. */
  readonly partitionBook: readonly number[];
  /** Directed edges whose endpoints are in different partitions. */
  readonly edgeCut: number;
  /** `edgeCut / numEdges`. */
  readonly edgeCutRatio: number;
  /**
   * max / mean of the per-partition node and training-seed counts, and of the link-prediction
   * training edges when there are `links`.
   */
  readonly balance: {
    readonly nodes: number;
    readonly train: number;
    readonly linkTrain?: number;
  };
  /** Per-partition counts, in partition order. */
  readonly partitions: readonly PartitionStats[];
  /**
   * Link-prediction edge counts, when the dataset had a link split: training edges in all
   * partitions' `link_train.bin`, and the validation, test and fixed negative edges that
   * `link_valid.bin`, `link_test.bin`, `link_valid_neg.bin` and `link_test_neg.bin` hold once
   * for every partition (no negatives file where the count is absent).
   */
  readonly links?: {
    readonly train: number;
    readonly valid: number;
    readonly test: number;
    readonly validNeg?: number;
    readonly testNeg?: number;
  };
  /** Every array file, keyed by its path relative to the directory. */
  readonly files: Readonly<Record<string, FileEntry>>;
  /** The hash recorded for every file in `files`. */
  readonly checksum: "sha256";
  /**
   * Null for an unweighted dataset. Otherwise every partition holds
   * `part_<p>/edge_weights.bin` (one float32 per `indices.bin` entry), and
   * `maxWeight` is the whole dataset's largest weight, which every owner
   * uploads its weights with so that its draws are those of the whole graph.
   */
  readonly edgeWeights: { readonly maxWeight: number } | null;
}
