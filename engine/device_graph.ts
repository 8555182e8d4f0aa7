import type { Device, DeviceBuffer } from "./device.ts";
import { DeviceTable } from "./device_table.ts";
import type { CsrGraph } from "./graph.ts";

/** How many index chunks the sampling kernel can bind. */
export const MAX_INDEX_CHUNKS = 4;

/**
 * A CSR graph on a device: `indptr` in one buffer and the neighbour ids in up
 * to four chunks, so graphs of up to 4 x 128 MiB of indices (134 M edges)
 * can be sampled under WebGPU's binding limit.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { DeviceGraph } from "./device_graph.ts";
 * import { csrFromEdges } from "./graph.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const g = DeviceGraph.upload(device, csrFromEdges(2, new Int32Array([0]), new Int32Array([1])));
 * console.log(g.numEdges); // 1
 * g.release();
 * device.destroy();
 * ```
 */
export class DeviceGraph {
  private constructor(
    readonly numNodes: number,
    readonly numEdges: number,
    readonly indptr: DeviceBuffer,
    readonly indices: DeviceTable,
    readonly device: Device,
  ) {}

  /** Uploads `graph`; `maxChunkBytes` (default: the binding limit) caps each index chunk. */
  static upload(
    device: Device,
    graph: CsrGraph,
    maxChunkBytes = device.maxBindingBytes,
  ): DeviceGraph {
    const needed = Math.ceil(graph.indices.byteLength / maxChunkBytes);
    if (needed > MAX_INDEX_CHUNKS) {
      throw new RangeError(
        `graph of ${graph.indices.length} edges needs ${needed} index chunks of ${maxChunkBytes} bytes; at most ${MAX_INDEX_CHUNKS} can be bound: use more partitions`,
      );
    }
    const indptr = device.createBuffer(graph.indptr.byteLength, "indptr");
    device.write(indptr, graph.indptr);
    const indices = DeviceTable.upload(device, graph.indices, 1, "indices", maxChunkBytes);
    return new DeviceGraph(graph.numNodes, graph.indices.length, indptr, indices, device);
  }

  /** Returns the graph's buffers to the device. */
  release(): void {
    this.device.release(this.indptr);
    this.indices.release();
  }
}
