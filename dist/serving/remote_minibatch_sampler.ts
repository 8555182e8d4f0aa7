import type { Device } from "../../engine/device.ts";
import type { MinibatchSource, PreparedMinibatch } from "../../engine/minibatch_source.ts";
import { callChecked } from "../rpc/call_checked.ts";
import type { PartitionPeer } from "../graph/partition_peer.ts";
import { uploadMinibatch } from "../worker/upload_minibatch.ts";
import { MINIBATCH_PRODUCE, produceResponse } from "./methods.ts";

/**
 * Options of {@link RemoteMinibatchSampler}.
 *
 * @example
 * ```ts
 * import type { Device } from "../../engine/device.ts";
 * import type { PartitionPeer } from "../graph/partition_peer.ts";
 * import type { RemoteMinibatchSamplerOptions } from "./remote_minibatch_sampler.ts";
 * const options = (device: Device, server: PartitionPeer): RemoteMinibatchSamplerOptions => ({
 *   device, server, fanouts: [15, 10, 5], dim: 100, timeoutMs: 60_000,
 * });
 * ```
 */
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
 * A training client's minibatch source in server-client mode: each `next`
 * asks the sampling server for a whole minibatch at once (blocks, input
 * nodes and their features, checked against the produce method's schema)
 * and uploads it. The sampling and feature times are the server's. The
 * server's errors (a dead peer partition, a lost connection) name the server.
 *
 * @example
 * ```ts ignore
 * import { RemoteMinibatchSampler } from "./remote_minibatch_sampler.ts";
 * const source = new RemoteMinibatchSampler({ device, server, fanouts: [15, 10, 5], dim: 100, timeoutMs: 60_000 });
 * const batch = await source.next(seeds, 1);
 * batch.release();
 * ```
 */
export class RemoteMinibatchSampler implements MinibatchSource {
  readonly fanouts: readonly number[];
  readonly dim: number;
  readonly #options: RemoteMinibatchSamplerOptions;

  /**
   * Throws `RangeError` unless `options.timeoutMs` is positive; the connection to the server is the
   * caller's.
   */
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

  async next(seeds: Int32Array, seed: number): Promise<PreparedMinibatch> {
    const o = this.#options;
    const host = await callChecked(o.server, MINIBATCH_PRODUCE, { seeds, seed }, produceResponse, {
      timeoutMs: o.timeoutMs,
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const expected = { numSeeds: seeds.length, numHops: this.fanouts.length, dim: this.dim };
    return uploadMinibatch(o.device, host, expected, o.server.peer);
  }
}
