import type { DeviceBuffer } from "./device.ts";

/**
 * Fills a device buffer with the feature rows of a list of nodes: from the
 * local table ({@linkcode LocalFeatureStore}), or in a cluster from the
 * local partition, its cache of hot remote rows, and the rows' owners.
 *
 * @example
 * ```ts
 * import type { FeatureStore } from "./feature_store.ts";
 * const rowBytes = (f: FeatureStore) => f.dim * 4;
 * ```
 */
export interface FeatureStore {
  /** Values per row. */
  readonly dim: number;
  /** Writes the rows of the `n` node ids in `ids` to `out` (`n * dim` float32). */
  gather(ids: DeviceBuffer, n: number, out: DeviceBuffer): void | Promise<void>;
}
