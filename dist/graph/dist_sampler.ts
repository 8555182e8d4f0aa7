import type { DeviceBuffer } from "../../engine/device.ts";
import { type MiniBatch, sampleBlocks } from "../../engine/sample_blocks.ts";
import type { SampledHop } from "../../engine/sample_neighbors.ts";
import type { Sampler } from "../../engine/sampler.ts";
import type { OwnedPartition } from "./owned_partition.ts";
import type { PartitionPeer } from "./partition_peer.ts";
import { splitByPartition } from "./split_by_partition.ts";
import { type HopPart, stitchHop } from "./stitch_hop.ts";
import { callChecked } from "../rpc/call_checked.ts";
import { PARTITION_SAMPLE, sampleResponse } from "./methods.ts";
import { peerOf } from "./_util.ts";
import { checkSeeds } from "../../engine/check_seeds.ts";

/**
 * Options of {@link DistSampler}.
 *
 * @example
 * ```ts
 * import type { DistSamplerOptions } from "./dist_sampler.ts";
 * import type { OwnedPartition } from "./owned_partition.ts";
 * import type { PartitionPeer } from "./partition_peer.ts";
 * const options = (owned: OwnedPartition, peers: PartitionPeer[]): DistSamplerOptions => ({
 *   owned, peers, fanouts: [15, 10, 5], timeoutMs: 10_000,
 * });
 * ```
 */
export interface DistSamplerOptions {
  /** This rank's partition, on the device that builds the blocks. */
  readonly owned: OwnedPartition;
  /** `peers[p]`: the connection to partition `p`'s owner (the own slot is not used). */
  readonly peers: readonly (PartitionPeer | undefined)[];
  /** Fan-out per hop, outermost hop last. */
  readonly fanouts: readonly number[];
  /** Time allowed for each remote call. */
  readonly timeoutMs: number;
  /** Aborts every call in flight (e.g. when the world shuts down). */
  readonly signal?: AbortSignal;
  /**
   * Draw neighbours by edge weight: every owner, this one included, must have
   * been uploaded with its weights (default: uniformly).
   */
  readonly weighted?: boolean;
}

/**
 * Nodes whose neighbours a {@link DistSampler} drew, by where they were drawn.
 *
 * @example
 * ```ts
 * import type { DistSamplerCounts } from "./dist_sampler.ts";
 * const remoteShare = (c: DistSamplerCounts) => c.remote / Math.max(1, c.local + c.remote);
 * ```
 */
export interface DistSamplerCounts {
  /** Frontier nodes sampled on the own partition. */
  local: number;
  /** Frontier nodes sampled by their remote owners. */
  remote: number;
  /** Remote calls made (one per owner per hop). */
  calls: number;
}

/**
 * Samples minibatches over a partitioned graph. Each hop reads the frontier
 * back, splits it by owner with the partition book, samples the own nodes on
 * the local device and asks every other owner for its nodes in one batched
 * sample call, all owners in parallel, then stitches the answers
 * back in frontier order and uploads them for `sampleBlocks` to
 * de-duplicate and relabel. Every owner draws with the same kernel seed and
 * global ids, so a node's neighbours follow the same distribution wherever
 * it is sampled (and equal a one-node run's on the same renumbered graph);
 * with `weighted`, every owner draws by edge weight with the dataset's
 * largest weight, so the draws equal a weighted one-node run's.
 * A failed or timed-out call rejects `sample` with the RPC error, which
 * names the peer.
 *
 * @example
 * ```ts
 * import type { OwnedPartition } from "./owned_partition.ts";
 * import type { PartitionPeer } from "./partition_peer.ts";
 * import { DistSampler } from "./dist_sampler.ts";
 * const make = (owned: OwnedPartition, peers: (PartitionPeer | undefined)[]) =>
 *   new DistSampler({ owned, peers, fanouts: [15, 10, 5], timeoutMs: 10_000 });
 * ```
 */
export class DistSampler implements Sampler {
  readonly fanouts: readonly number[];
  /** Running counts since construction or the last {@link resetCounts}. */
  readonly counts: DistSamplerCounts = { local: 0, remote: 0, calls: 0 };
  readonly #owned: OwnedPartition;
  readonly #peers: readonly (PartitionPeer | undefined)[];
  readonly #timeoutMs: number;
  readonly #signal: AbortSignal | undefined;
  readonly #weighted: boolean;

  /**
   * Throws `RangeError` unless `options.timeoutMs` is positive; connects nothing (the peers are
   * already connected).
   */
  constructor(options: DistSamplerOptions) {
    if (!(options.timeoutMs > 0)) {
      throw new RangeError(`DistSampler: timeoutMs must be > 0, got ${options.timeoutMs}`);
    }
    this.#owned = options.owned;
    this.#peers = options.peers;
    this.fanouts = [...options.fanouts];
    this.#timeoutMs = options.timeoutMs;
    this.#signal = options.signal;
    this.#weighted = options.weighted ?? false;
    if (this.#weighted && !options.owned.weights) {
      throw new RangeError(
        `DistSampler: weighted sampling needs partition ${options.owned.partition} uploaded with its edge weights`,
      );
    }
  }

  sample(seeds: Int32Array, seed: number): Promise<MiniBatch> {
    const book = this.#owned.partitionBook;
    const total = book[book.length - 1]!;
    checkSeeds(seeds, total, "sample");
    return sampleBlocks(
      this.#owned.device,
      (frontier, n, fanout, s) => this.#hop(frontier, n, fanout, s),
      seeds,
      this.fanouts,
      seed,
    );
  }

  /** Zeroes {@link counts}. */
  resetCounts(): void {
    this.counts.local = this.counts.remote = this.counts.calls = 0;
  }

  async #hop(
    frontier: DeviceBuffer,
    n: number,
    fanout: number,
    seed: number,
  ): Promise<SampledHop> {
    const owned = this.#owned;
    const device = owned.device;
    const ids = await device.read(frontier, "i32", 0, n);
    const split = splitByPartition(ids, owned.partitionBook);
    const options = {
      timeoutMs: this.#timeoutMs,
      ...(this.#signal ? { signal: this.#signal } : {}),
    };
    const parts: Promise<HopPart>[] = [];
    for (let p = 0; p < split.ids.length; p++) {
      const partIds = split.ids[p]!;
      const positions = split.positions[p]!;
      if (partIds.length === 0) continue;
      if (p === owned.partition) {
        this.counts.local += partIds.length;
        parts.push(
          owned.sample(partIds, fanout, seed, this.#weighted)
            .then((hop) => ({ positions, ...hop })),
        );
        continue;
      }
      const peer = peerOf(this.#peers, p, owned.partition);
      this.counts.remote += partIds.length;
      this.counts.calls++;
      parts.push(
        callChecked(
          peer,
          PARTITION_SAMPLE,
          { ids: partIds, fanout, seed, ...(this.#weighted ? { weighted: true } : {}) },
          sampleResponse,
          options,
        ).then((hop) => ({ positions, ...hop })),
      );
    }
    const stitched = stitchHop(n, await Promise.all(parts));
    if (stitched.neighbors.length > n * fanout) {
      throw new RangeError(
        `sample: owners returned ${stitched.neighbors.length} neighbours for ${n} nodes at fan-out ${fanout}`,
      );
    }
    const offsets = device.createBuffer((n + 1) * 4, "dist sample offsets");
    device.write(offsets, stitched.offsets);
    const neighbors = device.createBuffer(Math.max(1, n * fanout) * 4, "dist sampled neighbors");
    if (stitched.neighbors.length > 0) device.write(neighbors, stitched.neighbors);
    return { offsets, neighbors };
  }
}
