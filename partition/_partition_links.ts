// Private: how partitionDataset handles a dataset's link-prediction edges.
// The partitioners balance and cache by the sources of the training edges
// (where each is trained), and the edges are written in new global ids:
// training edges with the partition owning their source, the small
// validation, test and negative lists once at the top of the directory.

import type { NodeDataset } from "../engine/dataset.ts";
import type { LinkEdges, LinkSplit } from "../engine/link_split.ts";
import type { FileEntry, PartitionMeta } from "./partition_meta.ts";
import { writeArray } from "./_write_array.ts";

/**
 * The dataset as the partitioners should see it: for a link dataset, its
 * training seeds are the distinct sources of the training edges (ascending),
 * so that partitions are balanced on, and cache for, the edges they train.
 */
export function partitioningView(dataset: NodeDataset): NodeDataset {
  const links = dataset.links;
  if (!links) return dataset;
  const n = dataset.graph.numNodes;
  checkEdges(links, n);
  const isSource = new Uint8Array(n);
  for (const s of links.train.source) isSource[s] = 1;
  let k = 0;
  for (let v = 0; v < n; v++) k += isSource[v]!;
  const train = new Int32Array(k);
  for (let v = 0, w = 0; v < n; v++) if (isSource[v]) train[w++] = v;
  return { ...dataset, split: { ...dataset.split, train } };
}

/** Where and how the link files are written. */
export interface LinkOutput {
  /** Partition of each dataset node. */
  readonly part: Int32Array;
  /** New global id of each dataset node. */
  readonly newId: Int32Array;
  readonly numPartitions: number;
  /** The directory being written. */
  readonly tmp: string;
  /** The `meta.json` file list to add to. */
  readonly files: Record<string, FileEntry>;
}

/**
 * Writes `part_<p>/link_train.bin` for every partition (its training edges,
 * those whose source it owns, in the dataset's order) and `link_valid.bin`,
 * `link_test.bin` and, where given, `link_valid_neg.bin`/`link_test_neg.bin`;
 * each an int32 `[edges, 2]` array of (source, target) new global ids.
 * Returns the training edges per partition and `meta.json`'s `links`.
 */
export async function writeLinks(
  links: LinkSplit,
  o: LinkOutput,
): Promise<{ perPartition: number[]; counts: NonNullable<PartitionMeta["links"]> }> {
  const { part, newId, numPartitions: p } = o;
  const { source, target } = links.train;
  const perPartition = new Array<number>(p).fill(0);
  for (const s of source) perPartition[part[s]!]!++;
  const rows = perPartition.map((c) => new Int32Array(2 * c));
  const fill = new Array<number>(p).fill(0);
  for (let i = 0; i < source.length; i++) {
    const q = part[source[i]!]!;
    const at = 2 * fill[q]!++;
    rows[q]![at] = newId[source[i]!]!;
    rows[q]![at + 1] = newId[target[i]!]!;
  }
  for (let q = 0; q < p; q++) {
    await writeArray(o.tmp, `part_${q}/link_train.bin`, rows[q]!, [perPartition[q]!, 2], o.files);
  }
  const write = async (name: string, edges: LinkEdges) => {
    const m = edges.source.length;
    const pairs = new Int32Array(2 * m);
    for (let i = 0; i < m; i++) {
      pairs[2 * i] = newId[edges.source[i]!]!;
      pairs[2 * i + 1] = newId[edges.target[i]!]!;
    }
    await writeArray(o.tmp, name, pairs, [m, 2], o.files);
    return m;
  };
  const valid = await write("link_valid.bin", links.valid);
  const test = await write("link_test.bin", links.test);
  const validNeg = links.validNeg ? await write("link_valid_neg.bin", links.validNeg) : undefined;
  const testNeg = links.testNeg ? await write("link_test_neg.bin", links.testNeg) : undefined;
  return {
    perPartition,
    counts: {
      train: source.length,
      valid,
      test,
      ...(validNeg === undefined ? {} : { validNeg }),
      ...(testNeg === undefined ? {} : { testNeg }),
    },
  };
}

/** Every list's ids in [0, n) and its two columns of equal length; a RangeError names the first that is not. */
function checkEdges(links: LinkSplit, n: number): void {
  for (const name of ["train", "valid", "test", "validNeg", "testNeg"] as const) {
    const edges = links[name];
    if (!edges) continue;
    if (edges.source.length !== edges.target.length) {
      throw new RangeError(
        `partitionDataset: links.${name} has ${edges.source.length} sources but ${edges.target.length} targets`,
      );
    }
    for (const [column, ids] of [["source", edges.source], ["target", edges.target]] as const) {
      const i = ids.findIndex((v) => !(v >= 0 && v < n));
      if (i >= 0) {
        throw new RangeError(
          `partitionDataset: links.${name}.${column}[${i}] is ${ids[i]}, expected a node in 0..${
            n - 1
          }`,
        );
      }
    }
  }
}
