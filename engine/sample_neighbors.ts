import { checkHopArguments } from "./_util.ts";
import type { Device, DeviceBuffer } from "./device.ts";
import type { DeviceGraph } from "./device_graph.ts";
import exclusiveScanKernel from "./kernels/exclusive_scan.ts";
import sampleCountKernel from "./kernels/sample_count.ts";
import sampleNeighborsKernel from "./kernels/sample_neighbors.ts";

/**
 * One hop of sampling, on the device: CSR offsets per seed and the neighbour ids.
 *
 * @example
 * ```ts
 * import type { SampledHop } from "./sample_neighbors.ts";
 * const release = (device: { release(b: unknown): void }, hop: SampledHop) => {
 *   device.release(hop.offsets);
 *   device.release(hop.neighbors);
 * };
 * ```
 */
export interface SampledHop {
  /** `numSeeds + 1` int32 offsets; `offsets[numSeeds]` is the number of sampled edges. */
  readonly offsets: DeviceBuffer;
  /** Room for `numSeeds * fanout` int32 neighbour ids, of which the first `offsets[numSeeds]` are written (the rest is uninitialised). */
  readonly neighbors: DeviceBuffer;
}

/**
 * Samples up to `fanout` distinct neighbours of each of `numSeeds` seeds
 * (int32 node ids in `seeds`; -1 is a padding seed with no neighbours),
 * uniformly without replacement: all of them when the degree is at most
 * `fanout`, none for an isolated node. Three dispatches (count, scan,
 * sample), no readback; the same `seed` gives the same sample on every
 * backend.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { DeviceGraph } from "./device_graph.ts";
 * import { csrFromEdges } from "./graph.ts";
 * import { sampleNeighbors } from "./sample_neighbors.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const g = DeviceGraph.upload(device, csrFromEdges(3, new Int32Array([0, 0]), new Int32Array([1, 2])));
 * const seeds = device.createBuffer(4, "seeds");
 * device.write(seeds, new Int32Array([0]));
 * const hop = sampleNeighbors(device, g, seeds, 1, 1, 42);
 * console.log(await device.read(hop.offsets, "i32")); // Int32Array [0, 1]
 * device.destroy();
 * ```
 */
export function sampleNeighbors(
  device: Device,
  graph: DeviceGraph,
  seeds: DeviceBuffer,
  numSeeds: number,
  fanout: number,
  seed: number,
): SampledHop {
  checkHopArguments("sampleNeighbors", seeds, numSeeds, fanout);
  // The count and scan write every offset; the sample writes the first offsets[numSeeds] neighbours.
  const offsets = device.createBuffer((numSeeds + 1) * 4, "sample offsets", "uninitialised");
  const neighbors = device.createBuffer(
    Math.max(1, numSeeds * fanout) * 4,
    "sampled neighbors",
    "uninitialised",
  );
  device.dispatch(sampleCountKernel, { indptr: graph.indptr, seeds, counts: offsets }, {
    num_seeds: numSeeds,
    fanout,
  });
  device.dispatch(exclusiveScanKernel, { data: offsets }, { n: numSeeds });
  const chunks = graph.indices.chunks;
  const chunk = (i: number) => (chunks[i] ?? chunks[0]!).buffer;
  device.dispatch(sampleNeighborsKernel, {
    indptr: graph.indptr,
    seeds,
    offsets,
    out: neighbors,
    idx0: chunk(0),
    idx1: chunk(1),
    idx2: chunk(2),
    idx3: chunk(3),
  }, {
    num_seeds: numSeeds,
    seed: seed >>> 0,
    chunk: chunks[0]!.rowEnd - chunks[0]!.rowBegin || 1,
  });
  return { offsets, neighbors };
}
