import type { Device } from "./device.ts";
import type { DeviceGraph } from "./device_graph.ts";
import { type MiniBatch, sampleBlocks } from "./sample_blocks.ts";
import { sampleNeighbors } from "./sample_neighbors.ts";
import type { Sampler } from "./sampler.ts";
import { checkSeeds } from "./check_seeds.ts";

/**
 * Samples minibatches from a graph held whole on the local device.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { DeviceGraph } from "./device_graph.ts";
 * import { csrFromEdges } from "./graph.ts";
 * import { LocalSampler } from "./local_sampler.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const g = DeviceGraph.upload(device, csrFromEdges(2, new Int32Array([0]), new Int32Array([1])));
 * const batch = await new LocalSampler(device, g, [5]).sample(new Int32Array([0]), 1);
 * console.log(batch.numInput); // 2
 * batch.release();
 * device.destroy();
 * ```
 */
export class LocalSampler implements Sampler {
  /**
   * Samples `graph`, held whole on `device`, with `fanouts[h]` neighbours per node at hop `h`
   * (seeds' hop first).
   */
  constructor(
    readonly device: Device,
    readonly graph: DeviceGraph,
    readonly fanouts: readonly number[],
  ) {}

  sample(seeds: Int32Array, seed: number): Promise<MiniBatch> {
    checkSeeds(seeds, this.graph.numNodes, "sample");
    return sampleBlocks(
      this.device,
      (frontier, n, fanout, s) => sampleNeighbors(this.device, this.graph, frontier, n, fanout, s),
      seeds,
      this.fanouts,
      seed,
    );
  }
}
