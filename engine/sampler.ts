import type { MiniBatch } from "./sample_blocks.ts";

/**
 * Produces the blocks of one minibatch from its seed nodes: on one node from
 * the local graph ({@linkcode LocalSampler}), in a cluster by asking each
 * partition's owner for its part of every hop. The trainer sees only this.
 *
 * @example
 * ```ts
 * import type { Sampler } from "./sampler.ts";
 * const sizes = async (s: Sampler) => (await s.sample(new Int32Array([0]), 1)).numInput;
 * ```
 */
export interface Sampler {
  /** Fan-out per hop, outermost hop last (e.g. [15, 10, 5]). */
  readonly fanouts: readonly number[];
  /** Samples the blocks for `seeds`; `seed` makes the draw reproducible. */
  sample(seeds: Int32Array, seed: number): Promise<MiniBatch>;
}
