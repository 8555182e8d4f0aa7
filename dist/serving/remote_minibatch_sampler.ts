import type { Block } from "../../engine/block.ts";
import type { Device, DeviceBuffer } from "../../engine/device.ts";
import type { FeatureStore } from "../../engine/feature_store.ts";
import type { MiniBatch } from "../../engine/sample_blocks.ts";
import type { Sampler } from "../../engine/sampler.ts";
import type { PartitionPeer } from "../graph/partition_peer.ts";
import { parseAnswer } from "../graph/_partition_methods.ts";
import { PRODUCE, produceResponse } from "./_minibatch_methods.ts";

/** Options of {@link RemoteMinibatchSampler}. */
export interface RemoteMinibatchSamplerOptions {
  /** The device the minibatches are uploaded to (the client's). */
  readonly device: Device;
  /** The connection to this client's sampling server. */
  readonly server: PartitionPeer;
  /** The fan-outs the server samples with. */
  readonly fanouts: readonly number[];
  /** Feature row width. */
  readonly dim: number;
  /** Time allowed for one minibatch. */
  readonly timeoutMs: number;
  /** Rejects every minibatch in flight with its reason (e.g. the world shuts down). */
  readonly signal?: AbortSignal;
}

/**
 * A training client's sampler and feature store in server-client mode: each
 * `sample` asks the sampling server for a whole minibatch at once
 * (`minibatch.produce`: blocks, input nodes and their features), uploads the
 * blocks, and keeps the features until `gather` of the minibatch's
 * `inputNodes` writes them. The server's errors (a dead peer partition, a
 * lost connection) name the server.
 *
 * @example
 * ```ts ignore
 * import { RemoteMinibatchSampler } from "./remote_minibatch_sampler.ts";
 * const sampler = new RemoteMinibatchSampler({ device, server, fanouts: [15, 10, 5], dim: 100, timeoutMs: 60_000 });
 * const batch = await sampler.sample(seeds, 1);
 * await sampler.gather(batch.inputNodes, batch.numInput, inputs);
 * ```
 */
export class RemoteMinibatchSampler implements Sampler, FeatureStore {
  readonly fanouts: readonly number[];
  readonly dim: number;
  readonly #options: RemoteMinibatchSamplerOptions;
  /** The features of each minibatch not yet gathered, by its `inputNodes` buffer. */
  readonly #features = new WeakMap<DeviceBuffer, Float32Array>();

  constructor(options: RemoteMinibatchSamplerOptions) {
    if (!(options.timeoutMs > 0)) {
      throw new RangeError(
        `RemoteMinibatchSampler: timeoutMs must be > 0, got ${options.timeoutMs}`,
      );
    }
    this.fanouts = [...options.fanouts];
    this.dim = options.dim;
    this.#options = options;
  }

  async sample(seeds: Int32Array, seed: number): Promise<MiniBatch> {
    const o = this.#options;
    const answer = await o.server.call(PRODUCE, { seeds, seed }, {
      timeoutMs: o.timeoutMs,
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const reply = parseAnswer(produceResponse, answer, PRODUCE, o.server.peer);
    if (reply.numSeeds !== seeds.length || reply.blocks.length !== this.fanouts.length) {
      throw new RangeError(
        `${o.server.peer} answered ${reply.numSeeds} seeds in ${reply.blocks.length} blocks for ${seeds.length} seeds and ${this.fanouts.length} hops`,
      );
    }
    if (reply.rows.length !== reply.numInput * this.dim) {
      throw new RangeError(
        `${o.server.peer} answered ${reply.rows.length} feature values for ${reply.numInput} rows of ${this.dim}`,
      );
    }
    const device = o.device;
    const owned: DeviceBuffer[] = [];
    const put = (data: Int32Array, count: number, label: string) => {
      const b = device.createBuffer(Math.max(4, count * 4), label);
      if (count > 0) device.write(b, data as Int32Array<ArrayBuffer>);
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
    const inputNodes = put(reply.inputNodes, reply.numInput, "input nodes");
    this.#features.set(inputNodes, reply.rows);
    return {
      numSeeds: reply.numSeeds,
      blocks,
      inputNodes,
      numInput: reply.numInput,
      release: () => {
        this.#features.delete(inputNodes);
        for (const b of owned) device.release(b);
      },
    };
  }

  gather(ids: DeviceBuffer, n: number, out: DeviceBuffer): void {
    const rows = this.#features.get(ids);
    if (!rows) {
      throw new TypeError(
        "gather: these ids are not the input nodes of a minibatch this sampler sampled",
      );
    }
    this.#features.delete(ids);
    if (rows.length !== n * this.dim) {
      throw new RangeError(`gather: ${rows.length} feature values for ${n} rows of ${this.dim}`);
    }
    if (n > 0) this.#options.device.write(out, rows as Float32Array<ArrayBuffer>);
  }
}
