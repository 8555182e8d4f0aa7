import type { Block } from "./block.ts";
import type { Device, DeviceBuffer } from "./device.ts";
import csrTransposeCountKernel from "./kernels/csr_transpose_count.ts";
import csrTransposeFillKernel from "./kernels/csr_transpose_fill.ts";
import exclusiveScanKernel from "./kernels/exclusive_scan.ts";

/** A block's edges grouped by source: the destinations of source `s` are `dst[indptr[s] .. indptr[s + 1])`. */
export interface TransposedBlock {
  /** `numSrc + 1` int32 offsets. */
  readonly indptr: DeviceBuffer;
  /** `numEdges` int32 destination ids. */
  readonly dst: DeviceBuffer;
  /** Returns both buffers to the device's pool. */
  release(): void;
}

/**
 * Records the transposition of a block's CSR on the device (count, exclusive
 * scan, fill), for backward passes that gather per source instead of
 * scattering with float atomics. Nothing is read back. The order of the
 * destinations within a source's list is ascending on the CPU backend and
 * depends on scheduling on the GPU.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { transposeBlock } from "./transpose_block.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const buf = (a: Int32Array) => {
 *   const b = device.createBuffer(a.byteLength, "x");
 *   device.write(b, a);
 *   return b;
 * };
 * const block = {
 *   numDst: 2, numSrc: 2, numEdges: 3,
 *   indptr: buf(new Int32Array([0, 2, 3])), indices: buf(new Int32Array([1, 0, 1])),
 * };
 * const t = transposeBlock(device, block);
 * console.log(await device.read(t.indptr, "i32")); // Int32Array [0, 1, 3]
 * t.release();
 * device.destroy();
 * ```
 */
export function transposeBlock(device: Device, block: Block): TransposedBlock {
  const indptr = device.createBuffer((block.numSrc + 1) * 4, "transposed indptr");
  const dst = device.createBuffer(block.numEdges * 4, "transposed dst");
  const cursor = device.createBuffer(block.numSrc * 4, "transpose cursor");
  device.dispatch(csrTransposeCountKernel, { indices: block.indices, counts: indptr }, {
    num_edges: block.numEdges,
  });
  device.dispatch(exclusiveScanKernel, { data: indptr }, { n: block.numSrc });
  device.dispatch(csrTransposeFillKernel, {
    indptr: block.indptr,
    indices: block.indices,
    t_indptr: indptr,
    cursor,
    t_dst: dst,
  }, { num_dst: block.numDst });
  // Released now, reused only by work recorded later, which runs after this.
  device.release(cursor);
  return {
    indptr,
    dst,
    release: () => {
      device.release(indptr);
      device.release(dst);
    },
  };
}
