import { checkHopArguments } from "./_util.ts";
import type { Device, DeviceBuffer } from "./device.ts";
import type { DeviceGraph } from "./device_graph.ts";
import type { DeviceEdgeWeights } from "./edge_weights.ts";
import exclusiveScanKernel from "./kernels/exclusive_scan.ts";
import sampleCountKernel from "./kernels/sample_count.ts";
import sampleNeighborsWeightedKernel from "./kernels/sample_neighbors_weighted.ts";
import type { SampledHop } from "./sample_neighbors.ts";

/**
 * Samples up to `fanout` distinct neighbours of each of `numSeeds` seeds
 * (int32 node ids in `seeds`; -1 is a padding seed), each drawn with
 * probability proportional to its edge weight, without replacement
 * (Efraimidis-Spirakis): every positive-weight neighbour when there are at
 * most `fanout`, never a zero-weight one. `weights` must have been uploaded
 * for this graph with its chunk size. Three dispatches (count, scan, sample),
 * no readback; the same `seed` gives the same sample on every backend, and
 * the randomness per node is the uniform sampler's.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { DeviceGraph } from "./device_graph.ts";
 * import { DeviceEdgeWeights } from "./edge_weights.ts";
 * import { csrFromEdges } from "./graph.ts";
 * import { sampleNeighborsWeighted } from "./sample_neighbors_weighted.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const csr = csrFromEdges(4, new Int32Array([0, 0, 0]), new Int32Array([1, 2, 3]));
 * const g = DeviceGraph.upload(device, csr);
 * const w = DeviceEdgeWeights.upload(device, csr, new Float32Array([1, 0, 5]));
 * const seeds = device.createBuffer(4, "seeds");
 * device.write(seeds, new Int32Array([0]));
 * const hop = sampleNeighborsWeighted(device, g, w, seeds, 1, 2, 42);
 * console.log(await device.read(hop.neighbors, "i32")); // Int32Array [1, 3]: never 2
 * device.destroy();
 * ```
 */
export function sampleNeighborsWeighted(
  device: Device,
  graph: DeviceGraph,
  weights: DeviceEdgeWeights,
  seeds: DeviceBuffer,
  numSeeds: number,
  fanout: number,
  seed: number,
): SampledHop {
  checkHopArguments("sampleNeighborsWeighted", seeds, numSeeds, fanout);
  const chunks = graph.indices.chunks;
  const factors = weights.factors.chunks;
  if (
    factors.length !== chunks.length ||
    factors.some((c, i) => c.rowEnd !== chunks[i]!.rowEnd) ||
    weights.factors.rows !== graph.numEdges
  ) {
    throw new RangeError(
      "sampleNeighborsWeighted: the weights were not uploaded for this graph with its chunk size",
    );
  }
  // The count and scan write every offset; the sample writes the first
  // offsets[numSeeds] neighbours, and reads back only the keys it wrote.
  const offsets = device.createBuffer((numSeeds + 1) * 4, "sample offsets", "uninitialised");
  const size = Math.max(1, numSeeds * fanout) * 4;
  const neighbors = device.createBuffer(size, "sampled neighbors", "uninitialised");
  const keys = device.createBuffer(size, "sampling keys", "uninitialised");
  device.dispatch(sampleCountKernel, { indptr: weights.positive, seeds, counts: offsets }, {
    num_seeds: numSeeds,
    fanout,
  });
  device.dispatch(exclusiveScanKernel, { data: offsets }, { n: numSeeds });
  const chunk = (i: number) => (chunks[i] ?? chunks[0]!).buffer;
  const factor = (i: number) => (factors[i] ?? factors[0]!).buffer;
  device.dispatch(sampleNeighborsWeightedKernel, {
    indptr: graph.indptr,
    positive: weights.positive,
    seeds,
    offsets,
    out: neighbors,
    keys,
    idx0: chunk(0),
    idx1: chunk(1),
    idx2: chunk(2),
    idx3: chunk(3),
    w0: factor(0),
    w1: factor(1),
    w2: factor(2),
    w3: factor(3),
  }, {
    num_seeds: numSeeds,
    seed: seed >>> 0,
    chunk: chunks[0]!.rowEnd - chunks[0]!.rowBegin || 1,
  });
  device.release(keys);
  return { offsets, neighbors };
}
