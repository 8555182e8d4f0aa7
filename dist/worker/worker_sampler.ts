import type { Device } from "../../engine/device.ts";
import type { MinibatchSource, PreparedMinibatch } from "../../engine/minibatch_source.ts";
import type { PartitionServer } from "./partition_server.ts";
import { uploadMinibatch } from "./upload_minibatch.ts";
import { checkSeeds } from "../../engine/check_seeds.ts";

/**
 * Options of {@link WorkerSampler.connect}.
 *
 * @example
 * ```ts
 * import type { Device } from "../../engine/device.ts";
 * import type { PartitionServer } from "./partition_server.ts";
 * import type { WorkerSamplerOptions } from "./worker_sampler.ts";
 * const options = (device: Device, server: PartitionServer, secret: Uint8Array): WorkerSamplerOptions => ({
 *   device, server, secret, peers: [undefined, "ws://127.0.0.3:4001"],
 *   fanouts: [15, 10, 5], dim: 100, numNodes: 2_449_029, timeoutMs: 10_000,
 * });
 * ```
 */
export interface WorkerSamplerOptions {
  /** The device the minibatches are uploaded to (the trainer's). */
  readonly device: Device;
  /** This rank's partition server; its Worker does the sampling and fetching. */
  readonly server: PartitionServer;
  /** `peers[p]`: partition `p`'s service URL (undefined for the own partition). */
  readonly peers: readonly (string | undefined)[];
  /** The shared secret of the cluster. */
  readonly secret: Uint8Array;
  /** Neighbours sampled per node at each hop, seeds' hop first. */
  readonly fanouts: readonly number[];
  /** Feature row width. */
  readonly dim: number;
  /** Number of nodes of the whole graph (seeds are checked against it). */
  readonly numNodes: number;
  /** Time allowed for each remote call. */
  readonly timeoutMs: number;
  /** Heartbeats to every peer's service: one silent this long is gone; default none. */
  readonly peerTimeoutMs?: number;
  /** Rejects every minibatch in flight with its reason (e.g. the world shuts down). */
  readonly signal?: AbortSignal;
  /** Sample by edge weight: the partition servers must have started with `edgeWeights`. */
  readonly weighted?: boolean;
}

/**
 * A collocated trainer's minibatch source whose work runs in the partition
 * server's Worker instead of the trainer's main thread: the Worker samples
 * with a `DistSampler` over its own copy of the partition and the peers'
 * services, gathers the input features with a `DistFeatureStore`, and posts
 * the whole minibatch back; the main thread only uploads it, so the remote
 * round trips (and the receiving of large feature answers) progress while
 * it trains, as GLT's and DistDGL's sampler processes do. The sampling and
 * feature times are the Worker's. Errors from the Worker keep their class
 * (a peer's RPC error names the peer).
 *
 * @example
 * ```ts ignore
 * import { WorkerSampler } from "./worker_sampler.ts";
 * const source = await WorkerSampler.connect({
 *   device, server, peers: [undefined, url1], secret, fanouts: [15, 10, 5],
 *   dim: 100, numNodes, timeoutMs: 60_000,
 * });
 * const batch = await source.next(seeds, 1);
 * batch.release();
 * ```
 */
export class WorkerSampler implements MinibatchSource {
  readonly fanouts: readonly number[];
  readonly dim: number;
  readonly #options: WorkerSamplerOptions;

  private constructor(options: WorkerSamplerOptions) {
    this.fanouts = [...options.fanouts];
    this.dim = options.dim;
    this.#options = options;
  }

  /** Has the server's Worker connect to every peer's service; resolves when it has. */
  static async connect(options: WorkerSamplerOptions): Promise<WorkerSampler> {
    if (!(options.timeoutMs > 0)) {
      throw new RangeError(`WorkerSampler: timeoutMs must be > 0, got ${options.timeoutMs}`);
    }
    await options.server.connect(options);
    return new WorkerSampler(options);
  }

  async next(seeds: Int32Array, seed: number): Promise<PreparedMinibatch> {
    const o = this.#options;
    checkSeeds(seeds, o.numNodes, "sample");
    o.signal?.throwIfAborted();
    // Every remote call of a minibatch may take the RPC timeout.
    const timeoutMs = o.timeoutMs * (this.fanouts.length + 2);
    const host = await o.server.prepare(seeds, seed, timeoutMs, o.signal);
    const expected = { numSeeds: seeds.length, numHops: this.fanouts.length, dim: this.dim };
    return uploadMinibatch(o.device, host, expected, o.server.name);
  }
}
