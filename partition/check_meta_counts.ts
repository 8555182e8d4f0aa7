import { PartitionFormatError } from "./partition_format_error.ts";
import type { PartitionMeta } from "./partition_meta.ts";

/**
 * Checks every count `meta.json` states against the files it describes, as
 * `meta.json` lists them (their shapes; each file's bytes are checked against
 * its shape and checksum when it is read): per partition the nodes (the
 * partition book, `labels.bin`, `orig_ids.bin`, `features.bin`, `indptr.bin`),
 * edges (`indices.bin`, and `edge_weights.bin` when weighted), train/valid/test seeds and cached rows; for the
 * dataset, the edge total and the feature width. A count that disagrees
 * throws {@linkcode PartitionFormatError} naming `meta.json`, the file and
 * both counts: a count trusted blindly once meant steps with no seeds and a
 * NaN loss.
 *
 * @example
 * ```ts ignore
 * import { checkMetaCounts } from "./check_meta_counts.ts";
 * checkMetaCounts("data/p2/meta.json", meta);
 * ```
 */
export function checkMetaCounts(file: string, meta: PartitionMeta): void {
  const book = meta.partitionBook;
  if (!Array.isArray(meta.partitions) || meta.partitions.length !== meta.numPartitions) {
    throw new PartitionFormatError(
      file,
      `lists ${meta.partitions?.length} partitions' counts, expected numPartitions = ${meta.numPartitions}`,
    );
  }
  const first = (name: string, dim = 0): number => {
    const entry = meta.files?.[name];
    if (!entry) throw new PartitionFormatError(file, `lists no file ${name}`);
    return entry.shape[dim] ?? -1;
  };
  const agree = (what: string, stated: number, name: string, held: number, unit: string) => {
    if (stated !== held) {
      throw new PartitionFormatError(
        file,
        `${what} is ${stated}, but ${name} holds ${held} ${unit}`,
      );
    }
  };
  let edges = 0;
  meta.partitions.forEach((s, p) => {
    const part = `part_${p}`;
    const at = `partitions[${p}]`;
    const owned = book[p + 1]! - book[p]!;
    agree(`${at}.nodes`, s.nodes, "partition_book.bin (per meta.json)", owned, "nodes");
    for (const f of ["labels", "orig_ids", "features"]) {
      agree(`${at}.nodes`, s.nodes, `${part}/${f}.bin`, first(`${part}/${f}.bin`), "rows");
    }
    agree(`${at}.nodes`, s.nodes + 1, `${part}/indptr.bin`, first(`${part}/indptr.bin`), "offsets");
    agree(`${at}.edges`, s.edges, `${part}/indices.bin`, first(`${part}/indices.bin`), "edges");
    if (meta.edgeWeights !== null) {
      const name = `${part}/edge_weights.bin`;
      agree(`${at}.edges`, s.edges, name, first(name), "weights");
    }
    for (const split of ["train", "valid", "test"] as const) {
      agree(
        `${at}.${split}`,
        s[split],
        `${part}/${split}.bin`,
        first(`${part}/${split}.bin`),
        "ids",
      );
    }
    agree(`${at}.cached`, s.cached, `${part}/cache_ids.bin`, first(`${part}/cache_ids.bin`), "ids");
    agree(
      "dataset.featureDim",
      meta.dataset.featureDim,
      `${part}/features.bin`,
      first(`${part}/features.bin`, 1),
      "columns",
    );
    edges += s.edges;
  });
  agree("dataset.numEdges", meta.dataset.numEdges, "the partitions' indices.bin", edges, "edges");
}
