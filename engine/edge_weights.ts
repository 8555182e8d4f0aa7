import type { Device, DeviceBuffer } from "./device.ts";
import { DeviceTable } from "./device_table.ts";
import type { CsrGraph } from "./graph.ts";

/**
 * Options of {@linkcode DeviceEdgeWeights.upload}.
 *
 * @example
 * ```ts
 * import type { EdgeWeightOptions } from "./edge_weights.ts";
 * const o: EdgeWeightOptions = { source: "raw/edge-weight.csv", maxWeight: 10 };
 * ```
 */
export interface EdgeWeightOptions {
  /** Largest bytes per chunk: the one the graph was uploaded with (default: the binding limit). */
  readonly maxChunkBytes?: number;
  /** Where the weights came from, named in errors (default: "edge weights"). */
  readonly source?: string;
  /**
   * The largest weight of the whole graph (default: the largest of `weights`). A partition must
   * pass the whole dataset's, so that its keys, and so its samples, are those of the whole graph.
   */
  readonly maxWeight?: number;
}

/**
 * The largest ratio of the largest to the smallest positive weight: beyond
 * it a sampling key could leave float32's normal range, where GPUs may flush
 * or saturate differently from the CPU.
 */
export const MAX_WEIGHT_RATIO = 2 ** 100;

/**
 * Edge weights of a CSR graph on a device, in the form weighted sampling reads
 * them: per edge the float32 factor `max / w` (0 for a zero-weight edge), in
 * chunks laid out as the graph's index chunks, and `positive`, the CSR offsets
 * counted over positive-weight edges only (so the uniform sampler's count
 * kernel gives `min(fanout, positive degree)`). Sampling keys are
 * `-log2(u) * max / w`; dividing by the largest weight once, on the host, keeps
 * the kernel to a product, which both backends round the same way.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { DeviceEdgeWeights } from "./edge_weights.ts";
 * import { csrFromEdges } from "./graph.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const g = csrFromEdges(3, new Int32Array([0, 0]), new Int32Array([1, 2]));
 * const w = DeviceEdgeWeights.upload(device, g, new Float32Array([2, 0]));
 * console.log(w.positiveEdges); // 1
 * w.release();
 * device.destroy();
 * ```
 */
export class DeviceEdgeWeights {
  private constructor(
    readonly device: Device,
    readonly positive: DeviceBuffer,
    readonly factors: DeviceTable,
    readonly positiveEdges: number,
  ) {}

  /**
   * Uploads `weights`, one per edge in `graph.indices` order, each finite and
   * non-negative.
   */
  static upload(
    device: Device,
    graph: CsrGraph,
    weights: Float32Array,
    options: EdgeWeightOptions = {},
  ): DeviceEdgeWeights {
    const { maxChunkBytes = device.maxBindingBytes, source = "edge weights" } = options;
    if (weights.length !== graph.indices.length) {
      throw new RangeError(
        `${source}: ${weights.length} weights for a graph of ${graph.indices.length} edges`,
      );
    }
    let max = 0, min = Infinity;
    for (let e = 0; e < weights.length; e++) {
      const w = weights[e]!;
      if (!(w >= 0) || w === Infinity) {
        throw new RangeError(
          `${source}: weight ${w} of edge ${e} is not a finite non-negative number`,
        );
      }
      if (w > 0) {
        max = Math.max(max, w);
        min = Math.min(min, w);
      }
    }
    if (options.maxWeight !== undefined) {
      if (!(options.maxWeight >= max) || options.maxWeight === Infinity) {
        throw new RangeError(
          `${source}: maxWeight ${options.maxWeight} is below the largest weight ${max} or not finite`,
        );
      }
      max = options.maxWeight;
    }
    if (max / min > MAX_WEIGHT_RATIO) {
      throw new RangeError(
        `${source}: positive weights range from ${min} to ${max}, a ratio above 2^100; rescale or clip them`,
      );
    }
    const positive = new Int32Array(graph.numNodes + 1);
    const factors = new Float32Array(weights.length);
    for (let v = 0; v < graph.numNodes; v++) {
      let p = 0;
      for (let e = graph.indptr[v]!; e < graph.indptr[v + 1]!; e++) {
        const w = weights[e]!;
        if (w > 0) {
          factors[e] = max / w;
          p++;
        }
      }
      positive[v + 1] = positive[v]! + p;
    }
    const offsets = device.createBuffer(positive.byteLength, "positive-weight indptr");
    device.write(offsets, positive);
    const table = DeviceTable.upload(device, factors, 1, "weight factors", maxChunkBytes);
    return new DeviceEdgeWeights(device, offsets, table, positive[graph.numNodes]!);
  }

  /** Returns the buffers to the device. */
  release(): void {
    this.device.release(this.positive);
    this.factors.release();
  }
}
