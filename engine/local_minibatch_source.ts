import type { Device } from "./device.ts";
import type { FeatureStore } from "./feature_store.ts";
import type { BusyClock, MinibatchSource, PreparedMinibatch } from "./minibatch_source.ts";
import type { Sampler } from "./sampler.ts";

const IDLE: BusyClock = { busyMs: 0 };

/**
 * Prepares minibatches on this thread: `sampler` samples the blocks on
 * `device`, then `features` gathers the input rows into a buffer of the
 * minibatch's own. On one node these are the local graph and table; in the
 * partition server's Worker they are the distributed sampler and feature
 * store. Phase times leave out the time the `clock` says this thread spent
 * on other work meanwhile.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { DeviceGraph } from "./device_graph.ts";
 * import { DeviceTable } from "./device_table.ts";
 * import { LocalFeatureStore } from "./local_feature_store.ts";
 * import { LocalMinibatchSource } from "./local_minibatch_source.ts";
 * import { LocalSampler } from "./local_sampler.ts";
 * const device = new CpuDevice({ threads: 1, blas: false });
 * const graph = DeviceGraph.upload(device, {
 *   numNodes: 3, indptr: new Int32Array([0, 1, 2, 2]), indices: new Int32Array([1, 2]),
 * });
 * const table = DeviceTable.upload(device, new Float32Array([1, 2, 3, 4, 5, 6]), 2, "x");
 * const source = new LocalMinibatchSource(
 *   device, new LocalSampler(device, graph, [1]), new LocalFeatureStore(device, table),
 * );
 * const batch = await source.next(new Int32Array([0]), 1);
 * console.assert(batch.numInput === 2);
 * batch.release();
 * device.destroy();
 * ```
 */
export class LocalMinibatchSource implements MinibatchSource {
  readonly fanouts: readonly number[];
  readonly dim: number;

  /**
   * Pairs `sampler` with `features` on `device`; the fan-outs are the sampler's and `dim` the
   * store's row width.
   */
  constructor(
    readonly device: Device,
    readonly sampler: Sampler,
    readonly features: FeatureStore,
  ) {
    this.fanouts = sampler.fanouts;
    this.dim = features.dim;
  }

  async next(seeds: Int32Array, seed: number, clock = IDLE): Promise<PreparedMinibatch> {
    const own = (since: number, busyBefore: number) =>
      performance.now() - since - (clock.busyMs - busyBefore);
    let t = performance.now(), busy = clock.busyMs;
    const batch = await this.sampler.sample(seeds, seed);
    const sampleMs = own(t, busy);
    t = performance.now();
    busy = clock.busyMs;
    // The gather writes every row: no zero-fill first.
    const inputs = this.device.createBuffer(
      batch.numInput * this.dim * 4,
      "inputs",
      "uninitialised",
    );
    try {
      await this.features.gather(batch.inputNodes, batch.numInput, inputs);
    } catch (err) {
      this.device.release(inputs);
      batch.release();
      throw err;
    }
    return {
      ...batch,
      inputs,
      sampleMs,
      featureMs: own(t, busy),
      release: () => {
        this.device.release(inputs);
        batch.release();
      },
    };
  }
}
