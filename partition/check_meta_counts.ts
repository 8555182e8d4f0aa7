import { PartitionFormatError } from "./partition_format_error.ts";
import type { PartitionMeta } from "./partition_meta.ts";

/**
 * Checks every count `meta.json` states against the files it describes, as
 * `meta.json` lists them (their shapes; each file's bytes are checked against
 * its shape and checksum when it is read): per partition the nodes (the
 * partition book, `labels.bin`, `orig_ids.bin`, `features.bin`, `indptr.bin`),
 * edges (`indices.bin`, and `edge_weights.bin` when weighted), train/valid/test seeds and cached
 * rows; for the dataset, the edge total and the feature width; with `links`, the training edges of
 * each partition and in all, and the validation, test and negative edges. A count that disagrees
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
  if (meta.links) checkLinkCounts(file, meta, first, agree);
}

/** The link-prediction counts: each partition's and the total training edges, and each list. */
function checkLinkCounts(
  file: string,
  meta: PartitionMeta,
  first: (name: string) => number,
  agree: (what: string, stated: number, name: string, held: number, unit: string) => void,
): void {
  const links = meta.links!;
  let train = 0;
  meta.partitions.forEach((s, p) => {
    const name = `part_${p}/link_train.bin`;
    agree(`partitions[${p}].linkTrain`, s.linkTrain ?? -1, name, first(name), "edges");
    train += s.linkTrain ?? 0;
  });
  agree("links.train", links.train, "the partitions' link_train.bin", train, "edges");
  const lists = [["valid", "link_valid.bin"], ["test", "link_test.bin"]] as const;
  for (const [key, name] of lists) agree(`links.${key}`, links[key], name, first(name), "edges");
  for (
    const [key, name] of [["validNeg", "link_valid_neg.bin"], [
      "testNeg",
      "link_test_neg.bin",
    ]] as const
  ) {
    const stated = links[key];
    if (stated !== undefined) agree(`links.${key}`, stated, name, first(name), "edges");
    else if (meta.files[name]) {
      throw new PartitionFormatError(file, `lists ${name} but states no links.${key}`);
    }
  }
}
