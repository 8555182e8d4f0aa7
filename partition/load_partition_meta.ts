import { checkMetaCounts } from "./check_meta_counts.ts";
import { PartitionFormatError } from "./partition_format_error.ts";
import { PARTITION_FORMAT_VERSION, type PartitionMeta } from "./partition_meta.ts";

/**
 * Reads and checks `meta.json` of a partition directory without touching the
 * array files: it must parse, be a webgnn partition of the version this code
 * reads (an older directory is refused with the command that re-partitions
 * it), list a consistent partition book, state the largest edge weight when
 * weighted, and state counts that agree with the files it lists
 * (`checkMetaCounts`).
 *
 * @example
 * ```ts ignore
 * import { loadPartitionMeta } from "./load_partition_meta.ts";
 * const meta = await loadPartitionMeta("out/products-2");
 * console.log(meta.numPartitions, meta.partitionBook);
 * ```
 */
export async function loadPartitionMeta(dir: string): Promise<PartitionMeta> {
  const file = `${dir}/meta.json`;
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (e) {
    throw new PartitionFormatError(file, "cannot read partition metadata", { cause: e });
  }
  let meta: PartitionMeta;
  try {
    meta = JSON.parse(text) as PartitionMeta;
  } catch (e) {
    throw new PartitionFormatError(file, "is not valid JSON", { cause: e });
  }
  if (meta?.format !== "webgnn-partition") {
    throw new PartitionFormatError(file, "is not a webgnn partition directory");
  }
  if (meta.version !== PARTITION_FORMAT_VERSION) {
    throw new PartitionFormatError(
      file,
      `partition directory ${dir} has format version ${meta.version}, this code reads version ` +
        `${PARTITION_FORMAT_VERSION}: re-partition it with this version (deno task partition ` +
        `--output=${dir} --overwrite, with the dataset and options it was made from)`,
    );
  }
  const weights = meta.edgeWeights;
  if (
    weights !== null &&
    !(typeof weights?.maxWeight === "number" && weights.maxWeight >= 0 &&
      weights.maxWeight < Infinity)
  ) {
    throw new PartitionFormatError(
      file,
      "edgeWeights must be null or { maxWeight: a finite non-negative number }",
    );
  }
  const book = meta.partitionBook;
  if (
    !Array.isArray(book) || book.length !== meta.numPartitions + 1 || book[0] !== 0 ||
    book[meta.numPartitions] !== meta.dataset?.numNodes ||
    book.some((x, i) => i > 0 && x < book[i - 1]!)
  ) {
    throw new PartitionFormatError(file, "inconsistent partition book");
  }
  checkMetaCounts(file, meta);
  return meta;
}
