/**
 * Ids grouped by the partition that owns them, with where each came from.
 *
 * @example
 * ```ts
 * import { splitByPartition } from "./split_by_partition.ts";
 * const split = splitByPartition(new Int32Array([5, 1, 4]), new Int32Array([0, 3, 6]));
 * console.assert(split.ids[1]!.join() === "5,4" && split.positions[1]!.join() === "0,2");
 * ```
 */
export interface PartitionSplit {
  /** `ids[p]`: the requested ids partition `p` owns, in request order. */
  readonly ids: readonly Int32Array<ArrayBuffer>[];
  /** `positions[p][j]`: the index in the request of `ids[p][j]`. */
  readonly positions: readonly Int32Array<ArrayBuffer>[];
}

/**
 * Splits global node ids by owner with the partition book (`numPartitions + 1`
 * ascending offsets; partition `p` owns `[book[p], book[p + 1])`). The owner
 * of an id is found by binary search; each partition's ids keep their request
 * order, and `positions` says where each one goes back (see `stitchHop`).
 * Throws `RangeError` naming the first id that no partition owns.
 *
 * @example
 * ```ts
 * import { splitByPartition } from "./split_by_partition.ts";
 * const split = splitByPartition(new Int32Array([7, 1, 5, 0]), new Int32Array([0, 4, 8]));
 * console.log(split.ids[1], split.positions[1]); // Int32Array [7, 5] Int32Array [0, 2]
 * ```
 */
export function splitByPartition(
  ids: Int32Array,
  partitionBook: Int32Array,
): PartitionSplit {
  const parts = partitionBook.length - 1;
  if (parts < 1) {
    throw new RangeError("splitByPartition: the partition book needs at least 2 offsets");
  }
  const owners = new Int32Array(ids.length);
  const counts = new Int32Array(parts);
  for (let i = 0; i < ids.length; i++) {
    const p = ownerOf(ids[i]!, partitionBook);
    if (p < 0) {
      throw new RangeError(
        `splitByPartition: id ${
          ids[i]
        } at position ${i} is owned by no partition (global ids are 0..${
          partitionBook[parts]! - 1
        })`,
      );
    }
    owners[i] = p;
    counts[p]!++;
  }
  const outIds = Array.from(counts, (c) => new Int32Array(c));
  const positions = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(parts);
  for (let i = 0; i < ids.length; i++) {
    const p = owners[i]!;
    const j = fill[p]!++;
    outIds[p]![j] = ids[i]!;
    positions[p]![j] = i;
  }
  return { ids: outIds, positions };
}

/** The partition owning `id`, or -1 if none does. */
function ownerOf(id: number, book: Int32Array): number {
  const parts = book.length - 1;
  if (!(id >= book[0]! && id < book[parts]!)) return -1;
  let lo = 0;
  let hi = parts - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (book[mid]! <= id) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
