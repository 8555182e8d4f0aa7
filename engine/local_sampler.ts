import type { Device } from "./device.ts";
import type { DeviceGraph } from "./device_graph.ts";
import type { DeviceEdgeWeights } from "./edge_weights.ts";
import { type MiniBatch, type NodeMap, sampleBlocks } from "./sample_blocks.ts";
import { sampleNeighbors } from "./sample_neighbors.ts";
import { sampleNeighborsWeighted } from "./sample_neighbors_weighted.ts";
import type { Sampler } from "./sampler.ts";
import { checkSeeds } from "./check_seeds.ts";

/**
 * Samples minibatches from a graph held whole on the local device,
 * de-duplicating each hop in a node map of one entry per node (kept between
 * calls, one per call in flight). Given edge weights (uploaded for this graph),
 * every hop draws neighbours with probability proportional to their weight
 * (`sampleNeighborsWeighted`), never a zero-weight one; otherwise uniformly.
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
  /** Node maps not in use (one per sampling call in flight, kept for the next). */
  readonly #maps: NodeMap[] = [];

  /**
   * Samples `graph`, held whole on `device`, with `fanouts[h]` neighbours per node at hop `h`
   * (seeds' hop first); with `weights`, drawn by edge weight.
   */
  constructor(
    readonly device: Device,
    readonly graph: DeviceGraph,
    readonly fanouts: readonly number[],
    readonly weights?: DeviceEdgeWeights,
  ) {}

  sample(seeds: Int32Array, seed: number): Promise<MiniBatch> {
    checkSeeds(seeds, this.graph.numNodes, "sample");
    const map = this.#maps.pop() ?? {
      buffer: this.device.createBuffer(this.graph.numNodes * 4, "node map"),
      numNodes: this.graph.numNodes,
    };
    const { device, graph, weights } = this;
    return sampleBlocks(
      device,
      weights
        ? (frontier, n, fanout, s) =>
          sampleNeighborsWeighted(device, graph, weights, frontier, n, fanout, s)
        : (frontier, n, fanout, s) => sampleNeighbors(device, graph, frontier, n, fanout, s),
      seeds,
      this.fanouts,
      seed,
      map,
    ).finally(() => this.#maps.push(map));
  }

  /** Returns the node maps to the device; the sampler may still be used (it makes new ones). */
  release(): void {
    for (const map of this.#maps.splice(0)) this.device.release(map.buffer);
  }
}
