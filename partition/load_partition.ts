import type { CsrGraph } from "../engine/graph.ts";
import { loadPartitionMeta } from "./load_partition_meta.ts";
import { PartitionFormatError } from "./partition_format_error.ts";
import type { DType, PartitionMeta } from "./partition_meta.ts";

/** One partition as held in memory by its owner. */
export interface LoadedPartition {
  readonly meta: PartitionMeta;
  readonly rank: number;
  /** `numPartitions + 1` offsets; partition p owns `[book[p], book[p + 1])`. */
  readonly partitionBook: Int32Array;
  /** First global id owned by this partition (`partitionBook[rank]`). */
  readonly offset: number;
  /** Local rows (`numNodes` = owned nodes), neighbour ids are global. */
  readonly graph: CsrGraph;
  /** Row-major `numNodes x featureDim`. */
  readonly features: Float32Array;
  readonly labels: Int32Array;
  /** Global ids of the owned train/valid/test seeds, ascending. */
  readonly train: Int32Array;
  readonly valid: Int32Array;
  readonly test: Int32Array;
  /** Dataset id of each owned node before renumbering. */
  readonly origIds: Int32Array;
  /** Hot remote nodes: ascending global ids and their feature rows. */
  readonly cache: { readonly ids: Int32Array; readonly features: Float32Array };
}

/**
 * Opens partition `rank` of a partition directory, checking the format
 * version, the byte size, shape and SHA-256 of every file it reads. Any
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
  rank: number,
): Promise<LoadedPartition> {
  const meta = await loadPartitionMeta(dir);
  if (!Number.isInteger(rank) || rank < 0 || rank >= meta.numPartitions) {
    throw new RangeError(
      `loadPartition: rank must be in 0..${meta.numPartitions - 1}, got ${rank}`,
    );
  }
  const count = meta.partitionBook[rank + 1]! - meta.partitionBook[rank]!;
  const f = meta.dataset.featureDim;
  const part = `part_${rank}`;
  const int = (name: string, shape?: number[]) => read(dir, meta, name, "int32", shape);
  const partitionBook = await int("partition_book.bin", [meta.numPartitions + 1]);
  const indptr = await int(`${part}/indptr.bin`, [count + 1]);
  const indices = await int(`${part}/indices.bin`, [indptr[count] ?? 0]);
  const features = await read(dir, meta, `${part}/features.bin`, "float32", [count, f]);
  const labels = await int(`${part}/labels.bin`, [count]);
  const origIds = await int(`${part}/orig_ids.bin`, [count]);
  const train = await int(`${part}/train.bin`);
  const valid = await int(`${part}/valid.bin`);
  const test = await int(`${part}/test.bin`);
  const cacheIds = await int(`${part}/cache_ids.bin`);
  const cacheFeatures = await read(
    dir,
    meta,
    `${part}/cache_features.bin`,
    "float32",
    [cacheIds.length, f],
  );
  return {
    meta,
    rank,
    partitionBook,
    offset: partitionBook[rank]!,
    graph: { numNodes: count, indptr, indices },
    features,
    labels,
    train,
    valid,
    test,
    origIds,
    cache: { ids: cacheIds, features: cacheFeatures },
  };
}

async function read(
  dir: string,
  meta: PartitionMeta,
  name: string,
  dtype: "int32",
  shape?: number[],
): Promise<Int32Array>;
async function read(
  dir: string,
  meta: PartitionMeta,
  name: string,
  dtype: "float32",
  shape?: number[],
): Promise<Float32Array>;
async function read(
  dir: string,
  meta: PartitionMeta,
  name: string,
  dtype: DType,
  shape?: number[],
): Promise<Int32Array | Float32Array> {
  const entry = meta.files[name];
  if (!entry) throw new PartitionFormatError(name, "not listed in meta.json");
  if (entry.dtype !== dtype) {
    throw new PartitionFormatError(name, `dtype ${entry.dtype}, expected ${dtype}`);
  }
  const elements = entry.shape.reduce((a, b) => a * b, 1);
  if (
    shape && (shape.length !== entry.shape.length || shape.some((s, i) => s !== entry.shape[i]))
  ) {
    throw new PartitionFormatError(
      name,
      `shape [${entry.shape}] in meta.json, expected [${shape}]`,
    );
  }
  if (entry.bytes !== elements * 4) {
    throw new PartitionFormatError(name, `byte count ${entry.bytes} does not match shape`);
  }
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await Deno.readFile(`${dir}/${name}`);
  } catch (e) {
    throw new PartitionFormatError(name, "cannot read file", { cause: e });
  }
  if (bytes.length !== entry.bytes) {
    throw new PartitionFormatError(
      name,
      `${bytes.length} bytes, expected ${entry.bytes} (truncated or replaced?)`,
    );
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  let hex = "";
  for (const b of digest) hex += b.toString(16).padStart(2, "0");
  if (hex !== entry.sha256) {
    throw new PartitionFormatError(name, "checksum mismatch (file altered or corrupt)");
  }
  return dtype === "float32"
    ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)
    : new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}
