import type { Block } from "../../engine/block.ts";
import type { Device, DeviceBuffer } from "../../engine/device.ts";
import type { FeatureStore } from "../../engine/feature_store.ts";
import type { MiniBatch } from "../../engine/sample_blocks.ts";
import type { Sampler } from "../../engine/sampler.ts";
import type { HostMinibatch, PartitionServer } from "./partition_server.ts";

/** Options of {@link WorkerSampler.connect}. */
export interface WorkerSamplerOptions {
  /** The device the minibatches are uploaded to (the trainer's). */
  readonly device: Device;
  /** This rank's partition server; its Worker does the sampling and fetching. */
  readonly server: PartitionServer;
  /** `peers[p]`: partition `p`'s service URL (undefined for the own partition). */
  readonly peers: readonly (string | undefined)[];
  /** The shared secret of the cluster. */
  readonly secret: Uint8Array;
  readonly fanouts: readonly number[];
  /** Feature row width. */
  readonly dim: number;
  /** Number of nodes of the whole graph (seeds are checked against it). */
  readonly numNodes: number;
  /** Time allowed for each remote call. */
  readonly timeoutMs: number;
  /** Rejects every minibatch in flight with its reason (e.g. the world shuts down). */
  readonly signal?: AbortSignal;
}

/**
 * A distributed sampler and feature store whose work runs in the partition
 * server's Worker instead of the trainer's main thread: the Worker runs a
 * `DistSampler` and a `DistFeatureStore` over its own copy of the partition
 * and the peers' services, posts the blocks as soon as they are sampled,
 * then fetches the input features and posts them too. The main thread only
 * uploads what arrives, so the remote round trips (and the receiving of
 * large feature answers) progress while it trains, as GLT's and DistDGL's
 * sampler processes do. `sample` resolves with the blocks; `gather` of the
 * minibatch's `inputNodes` resolves with its features. Errors from the
 * Worker (a peer's RPC error names the peer) reject both.
 *
 * @example
 * ```ts ignore
 * import { WorkerSampler } from "./worker_sampler.ts";
 * const sampler = await WorkerSampler.connect({
 *   device, server, peers: [undefined, url1], secret, fanouts: [15, 10, 5],
 *   dim: 100, numNodes, timeoutMs: 60_000,
 * });
 * const batch = await sampler.sample(seeds, 1);
 * await sampler.gather(batch.inputNodes, batch.numInput, inputs);
 * ```
 */
export class WorkerSampler implements Sampler, FeatureStore {
  readonly fanouts: readonly number[];
  readonly dim: number;
  readonly #device: Device;
  readonly #server: PartitionServer;
  readonly #numNodes: number;
  readonly #timeoutMs: number;
  readonly #signal: AbortSignal | undefined;
  /** The features still to come, by the minibatch's `inputNodes` buffer. */
  readonly #features = new WeakMap<DeviceBuffer, Promise<Float32Array<ArrayBuffer>>>();

  private constructor(options: WorkerSamplerOptions) {
    this.fanouts = [...options.fanouts];
    this.dim = options.dim;
    this.#device = options.device;
    this.#server = options.server;
    this.#numNodes = options.numNodes;
    this.#timeoutMs = options.timeoutMs;
    this.#signal = options.signal;
  }

  /** Has the server's Worker connect to every peer's service; resolves when it has. */
  static async connect(options: WorkerSamplerOptions): Promise<WorkerSampler> {
    if (!(options.timeoutMs > 0)) {
      throw new RangeError(`WorkerSampler: timeoutMs must be > 0, got ${options.timeoutMs}`);
    }
    await options.server.connect(options);
    return new WorkerSampler(options);
  }

  async sample(seeds: Int32Array, seed: number): Promise<MiniBatch> {
    for (let i = 0; i < seeds.length; i++) {
      const v = seeds[i]!;
      if (!(v >= 0 && v < this.#numNodes)) {
        throw new RangeError(
          `sample: seed ${v} at position ${i} is not a node of the ${this.#numNodes}-node graph`,
        );
      }
    }
    this.#signal?.throwIfAborted();
    // Every remote call of a minibatch may take the RPC timeout.
    const timeoutMs = this.#timeoutMs * (this.fanouts.length + 2);
    const { blocks, features } = this.#server.prepare(seeds, seed, timeoutMs);
    features.catch(() => {});
    const reply = await this.#abortable(blocks);
    const batch = this.#upload(reply);
    this.#features.set(batch.inputNodes, features);
    return batch;
  }

  async gather(ids: DeviceBuffer, n: number, out: DeviceBuffer): Promise<void> {
    const pending = this.#features.get(ids);
    if (!pending) {
      throw new TypeError(
        "gather: these ids are not the input nodes of a minibatch this WorkerSampler sampled",
      );
    }
    this.#features.delete(ids);
    const rows = await this.#abortable(pending);
    if (rows.length !== n * this.dim) {
      throw new RangeError(`gather: ${rows.length} feature values for ${n} rows of ${this.dim}`);
    }
    if (n > 0) this.#device.write(out, rows);
  }

  #upload(reply: HostMinibatch): MiniBatch {
    const device = this.#device;
    const owned: DeviceBuffer[] = [];
    const put = (data: Int32Array<ArrayBuffer>, count: number, label: string) => {
      const b = device.createBuffer(Math.max(4, count * 4), label);
      if (data.length > 0) device.write(b, data);
      owned.push(b);
      return b;
    };
    const blocks: Block[] = reply.blocks.map((b) => ({
      numDst: b.numDst,
      numSrc: b.numSrc,
      numEdges: b.numEdges,
      indptr: put(b.indptr, b.numDst + 1, "block indptr"),
      indices: put(b.indices, b.numEdges, "block indices"),
    }));
    const numInput = reply.numInput;
    const inputNodes = put(reply.inputNodes, numInput, "input nodes");
    return {
      numSeeds: reply.numSeeds,
      blocks,
      inputNodes,
      numInput,
      release: () => {
        this.#features.delete(inputNodes);
        for (const b of owned) device.release(b);
      },
    };
  }

  /** `p`, or the abort reason if the signal fires first. */
  #abortable<T>(p: Promise<T>): Promise<T> {
    const signal = this.#signal;
    if (!signal) return p;
    signal.throwIfAborted();
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }
}
