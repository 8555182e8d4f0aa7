/**
 * A prepared minibatch as host arrays: the form in which it crosses a thread
 * (from a sampling Worker to its trainer) or the network (from a sampling
 * server to its client). `uploadHostMinibatch` puts it on a device.
 *
 * @module
 */

/**
 * One block as host arrays: the host form of a `Block`.
 *
 * @example
 * ```ts
 * import type { HostBlock } from "./host_minibatch.ts";
 * // Two destinations, each with the other as its one sampled neighbour.
 * const block: HostBlock = {
 *   numDst: 2, numSrc: 2, numEdges: 2, indptr: new Int32Array([0, 1, 2]), indices: new Int32Array([1, 0]),
 * };
 * ```
 */
export interface HostBlock {
  /** Destination nodes; also the first `numDst` sources. */
  readonly numDst: number;
  /** Source nodes, `>= numDst`. */
  readonly numSrc: number;
  /** Sampled edges, the length of `indices`. */
  readonly numEdges: number;
  /** `numDst + 1` offsets into `indices`. */
  readonly indptr: Int32Array<ArrayBuffer>;
  /** `numEdges` local source ids in `[0, numSrc)`. */
  readonly indices: Int32Array<ArrayBuffer>;
}

/**
 * A minibatch as host arrays, with the time its preparation took: what a
 * sampling Worker posts to its trainer (the single node's and the partition
 * server's), and what a sampling server answers a client.
 *
 * @example
 * ```ts
 * import type { HostMinibatch } from "./host_minibatch.ts";
 * const featureBytes = (m: HostMinibatch) => m.rows.byteLength;
 * ```
 */
export interface HostMinibatch {
  /** Seeds of the minibatch, the first `numSeeds` input nodes. */
  readonly numSeeds: number;
  /** Input nodes, the length of `inputNodes`. */
  readonly numInput: number;
  /** `numInput` global ids, seeds first. */
  readonly inputNodes: Int32Array<ArrayBuffer>;
  /** Outermost first, as `MiniBatch.blocks`. */
  readonly blocks: readonly HostBlock[];
  /** `numInput * dim` input features, row after row. */
  readonly rows: Float32Array<ArrayBuffer>;
  /** Time sampling took where it ran, in milliseconds. */
  readonly sampleMs: number;
  /** Time gathering and fetching the features took where it ran, in milliseconds. */
  readonly featureMs: number;
  /** Feature bytes fetched from other partitions for it, where its maker knows. */
  readonly remoteBytes?: number | undefined;
}
