import type { DeviceBuffer } from "./device.ts";
import type { MiniBatch } from "./sample_blocks.ts";

/**
 * One minibatch ready to train on: its blocks, its input features on the
 * device, and the time preparing it took. `release()` returns every buffer,
 * the input features included.
 *
 * @example
 * ```ts
 * import type { PreparedMinibatch } from "./minibatch_source.ts";
 * const prepareMs = (batch: PreparedMinibatch) => batch.sampleMs + batch.featureMs;
 * ```
 */
export interface PreparedMinibatch extends MiniBatch {
  /** `numInput * dim` float32 input features, row after row. */
  readonly inputs: DeviceBuffer;
  /** Time spent sampling the blocks, in milliseconds. */
  readonly sampleMs: number;
  /** Time spent gathering (and fetching) the input features, in milliseconds. */
  readonly featureMs: number;
  /** Feature bytes fetched from other partitions for this minibatch, where the source knows. */
  readonly remoteBytes?: number;
  /**
   * The loss target the minibatch brings itself (link prediction's pairs and labels), which
   * training passes to the model in place of labels looked up by seed; `release()` returns it too.
   */
  readonly target?: MinibatchTarget;
}

/**
 * A minibatch's own loss target on the device: what `Trainable.forwardBackward`
 * receives as `labels` and `numSeeds` when the minibatch has one.
 *
 * @example
 * ```ts
 * import type { MinibatchTarget } from "./minibatch_source.ts";
 * const pairs = (t: MinibatchTarget) => t.count;
 * ```
 */
export interface MinibatchTarget {
  /** The target, laid out as the model's loss expects (a link target for `linkTrainable`). */
  readonly buffer: DeviceBuffer;
  /** Targets the loss is the mean over (pairs for link prediction). */
  readonly count: number;
}

/**
 * Time the calling thread has spent on other work so far, in milliseconds.
 * A source that prepares minibatches on that same thread leaves this time
 * out of its phase times (steps that run while it waits are not sampling).
 *
 * @example
 * ```ts
 * import type { BusyClock } from "./minibatch_source.ts";
 * const clock: BusyClock = { busyMs: 0 };
 * ```
 */
export interface BusyClock {
  /**
   * Milliseconds the thread spent on other work since some fixed start; only differences are read.
   */
  readonly busyMs: number;
}

/**
 * Where the trainer's minibatches come from: blocks and input features
 * together, in one call. On one node it samples and gathers on the trainer's
 * own device ({@linkcode LocalMinibatchSource}); in a cluster the partition
 * server's Worker prepares them (`WorkerSampler`), or a sampling server does
 * (`RemoteMinibatchSampler`). Training and evaluation see only this.
 *
 * @example
 * ```ts
 * import type { MinibatchSource } from "./minibatch_source.ts";
 * const inputRows = async (source: MinibatchSource) => {
 *   const batch = await source.next(new Int32Array([0, 1]), 7);
 *   batch.release();
 *   return batch.numInput;
 * };
 * ```
 */
export interface MinibatchSource {
  /** Fan-out per hop, outermost hop last (e.g. [15, 10, 5]). */
  readonly fanouts: readonly number[];
  /** Values per input feature row. */
  readonly dim: number;
  /** Samples the blocks of `seeds` and gathers their input features; `seed` makes the draw reproducible. */
  next(seeds: Int32Array, seed: number, clock?: BusyClock): Promise<PreparedMinibatch>;
}
