import type { DeviceBuffer } from "../../engine/device.ts";
import { DeviceTable } from "../../engine/device_table.ts";
import type { FeatureStore } from "../../engine/feature_store.ts";
import { gatherRows } from "../../engine/gather_rows.ts";
import type { OwnedPartition } from "./owned_partition.ts";
import type { PartitionPeer } from "./partition_peer.ts";
import { planFeatureRows } from "./plan_feature_rows.ts";
import { stackTables } from "../../engine/stack_tables.ts";
import { callChecked } from "../rpc/call_checked.ts";
import { lookupResponse, PARTITION_LOOKUP } from "./methods.ts";
import { peerOf } from "./_util.ts";

/**
 * Options of {@link DistFeatureStore}.
 *
 * @example
 * ```ts
 * import type { DistFeatureStoreOptions } from "./dist_feature_store.ts";
 * import type { OwnedPartition } from "./owned_partition.ts";
 * import type { PartitionPeer } from "./partition_peer.ts";
 * const options = (owned: OwnedPartition, peers: PartitionPeer[]): DistFeatureStoreOptions => ({
 *   owned, peers, timeoutMs: 10_000,
 * });
 * ```
 */
export interface DistFeatureStoreOptions {
  /** This rank's partition (its rows and its cache of hot remote rows). */
  readonly owned: OwnedPartition;
  /** `peers[p]`: the connection to partition `p`'s owner (the own slot is not used). */
  readonly peers: readonly (PartitionPeer | undefined)[];
  /** Time allowed for each remote call. */
  readonly timeoutMs: number;
  /** Aborts every call in flight. */
  readonly signal?: AbortSignal;
}

/**
 * Feature rows a {@link DistFeatureStore} served, by where they came from.
 *
 * @example
 * ```ts
 * import type { FeatureCounts } from "./dist_feature_store.ts";
 * const fetchedShare = (c: FeatureCounts) => c.remote / Math.max(1, c.local + c.cached + c.remote);
 * ```
 */
export interface FeatureCounts {
  /** Rows of owned nodes. */
  local: number;
  /** Rows of remote nodes found in the hot-row cache. */
  cached: number;
  /** Rows fetched from their owners. */
  remote: number;
  /** Remote calls made (one per owner per gather). */
  calls: number;
}

/**
 * Feature rows over a partitioned dataset. A gather reads the ids back,
 * serves owned rows and cached hot remote rows from the local device, and
 * fetches the rest from their owners with one lookup call per
 * owner, all in parallel. The fetched rows are uploaded and stacked after
 * the owned and cached tables, and one `gatherRows` over the stack writes
 * every row to its place in `out`. {@link counts} tells how many rows came
 * from where, for the epoch report.
 *
 * @example
 * ```ts
 * import type { OwnedPartition } from "./owned_partition.ts";
 * import type { PartitionPeer } from "./partition_peer.ts";
 * import { DistFeatureStore } from "./dist_feature_store.ts";
 * const make = (owned: OwnedPartition, peers: (PartitionPeer | undefined)[]) =>
 *   new DistFeatureStore({ owned, peers, timeoutMs: 10_000 });
 * ```
 */
export class DistFeatureStore implements FeatureStore {
  readonly dim: number;
  /** Running counts since construction or the last {@link resetCounts}. */
  readonly counts: FeatureCounts = { local: 0, cached: 0, remote: 0, calls: 0 };
  readonly #owned: OwnedPartition;
  readonly #peers: readonly (PartitionPeer | undefined)[];
  readonly #timeoutMs: number;
  readonly #signal: AbortSignal | undefined;

  /**
   * Throws `RangeError` unless `options.timeoutMs` is positive; connects nothing (the peers are
   * already connected).
   */
  constructor(options: DistFeatureStoreOptions) {
    if (!(options.timeoutMs > 0)) {
      throw new RangeError(`DistFeatureStore: timeoutMs must be > 0, got ${options.timeoutMs}`);
    }
    this.#owned = options.owned;
    this.#peers = options.peers;
    this.dim = options.owned.dim;
    this.#timeoutMs = options.timeoutMs;
    this.#signal = options.signal;
  }

  async gather(ids: DeviceBuffer, n: number, out: DeviceBuffer): Promise<void> {
    if (n === 0) return;
    const owned = this.#owned;
    const device = owned.device;
    const host = await device.read(ids, "i32", 0, n);
    const plan = planFeatureRows(host, owned.partitionBook, owned.partition, owned.cacheIds);
    const options = {
      timeoutMs: this.#timeoutMs,
      ...(this.#signal ? { signal: this.#signal } : {}),
    };
    const calls: Promise<Float32Array>[] = [];
    for (let p = 0; p < plan.fetch.length; p++) {
      const wanted = plan.fetch[p]!;
      if (wanted.length === 0) continue;
      const peer = peerOf(this.#peers, p, owned.partition);
      this.counts.calls++;
      calls.push(
        callChecked(peer, PARTITION_LOOKUP, { ids: wanted }, lookupResponse, options).then(
          ({ rows }) => {
            if (rows.length !== wanted.length * this.dim) {
              throw new RangeError(
                `"${PARTITION_LOOKUP}" from ${peer.peer} returned ${rows.length} values for ${wanted.length} rows of ${this.dim}`,
              );
            }
            return rows;
          },
        ),
      );
    }
    const fetched = (await Promise.all(calls)).map((rows, k) =>
      DeviceTable.upload(device, rows, this.dim, `fetched rows ${k}`)
    );
    try {
      const table = stackTables([owned.features, owned.cacheFeatures, ...fetched]);
      gatherRows(device, table, plan.rows, out, n);
    } finally {
      for (const t of fetched) t.release();
    }
    this.counts.local += plan.local;
    this.counts.cached += plan.cached;
    this.counts.remote += plan.remote;
  }

  /** Zeroes {@link counts}. */
  resetCounts(): void {
    this.counts.local =
      this.counts.cached =
      this.counts.remote =
      this.counts.calls =
        0;
  }
}
