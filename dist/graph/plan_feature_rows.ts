import { splitByPartition } from "./split_by_partition.ts";

/**
 * Where each requested feature row comes from.
 *
 * @example
 * ```ts
 * import { planFeatureRows } from "./plan_feature_rows.ts";
 * // Rank 0 owns nodes 0..1, rank 1 owns 2..3; nothing cached.
 * const plan = planFeatureRows(new Int32Array([3, 0]), new Int32Array([0, 2, 4]), 0, new Int32Array(0));
 * console.assert(plan.local === 1 && plan.remote === 1 && plan.fetch[1]![0] === 3);
 * ```
 */
export interface FeatureRowPlan {
  /**
   * For each requested id, its row in the stacked table
   * `[owned rows | cached rows | fetched rows of each remote owner, by owner]`.
   */
  readonly rows: Int32Array<ArrayBuffer>;
  /** `fetch[p]`: ids to fetch from partition `p`, in the order their rows are stacked (empty for the own partition). */
  readonly fetch: readonly Int32Array<ArrayBuffer>[];
  /** Requested rows served from the own partition. */
  readonly local: number;
  /** Requested rows served from the cache of hot remote rows. */
  readonly cached: number;
  /** Requested rows fetched from their owners. */
  readonly remote: number;
}

/**
 * Plans a feature gather: owned ids map to their local row, ids in the cache
 * (`cacheIds`, ascending global ids) to `numOwned + cache index`, and the
 * rest are fetched from their owners, whose answers are stacked after the
 * cache in owner order. The device then gathers `rows` from the stacked
 * table, which puts every row back in request order. A remote id requested
 * twice is fetched twice.
 *
 * @example
 * ```ts
 * import { planFeatureRows } from "./plan_feature_rows.ts";
 * // rank 0 owns 0..3 and caches node 5; nodes 4..7 live on rank 1.
 * const plan = planFeatureRows(new Int32Array([6, 2, 5]), new Int32Array([0, 4, 8]), 0, new Int32Array([5]));
 * console.log(plan.rows, plan.fetch[1]); // Int32Array [5, 2, 4] Int32Array [6]
 * ```
 */
export function planFeatureRows(
  ids: Int32Array,
  partitionBook: Int32Array,
  rank: number,
  cacheIds: Int32Array,
): FeatureRowPlan {
  const split = splitByPartition(ids, partitionBook);
  if (!(rank >= 0 && rank < split.ids.length)) {
    throw new RangeError(`planFeatureRows: rank ${rank} has no partition`);
  }
  const offset = partitionBook[rank]!;
  const numOwned = partitionBook[rank + 1]! - offset;
  const rows = new Int32Array(ids.length);
  const fetch: Int32Array<ArrayBuffer>[] = [];
  let cached = 0;
  let next = numOwned + cacheIds.length;
  for (let p = 0; p < split.ids.length; p++) {
    const partIds = split.ids[p]!;
    const positions = split.positions[p]!;
    if (p === rank) {
      for (let j = 0; j < partIds.length; j++) rows[positions[j]!] = partIds[j]! - offset;
      fetch.push(new Int32Array(0));
      continue;
    }
    const wanted: number[] = [];
    for (let j = 0; j < partIds.length; j++) {
      const c = search(cacheIds, partIds[j]!);
      if (c >= 0) {
        rows[positions[j]!] = numOwned + c;
        cached++;
      } else {
        rows[positions[j]!] = next++;
        wanted.push(partIds[j]!);
      }
    }
    fetch.push(Int32Array.from(wanted));
  }
  const local = split.ids[rank]!.length;
  return { rows, fetch, local, cached, remote: ids.length - local - cached };
}

/** Index of `id` in the ascending `sorted`, or -1. */
function search(sorted: Int32Array, id: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
