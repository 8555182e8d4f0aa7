import type { Block } from "./block.ts";
import type { Device, DeviceBuffer } from "./device.ts";
import meanAggregateKernel from "./kernels/mean_aggregate.ts";

/**
 * Records mean aggregation over a block: for each destination `d`, the mean
 * of the rows of `h` (`block.numSrc x dim`) of its sources, zeros when it has
 * none. `out` is `numDst x dim`, or with `concat` `numDst x 2dim` holding
 * `[h[selfBegin + d] | mean]`, the input of a SAGE layer's single product
 * (`selfBegin` 0, the default, in a sampled block, whose destinations are
 * its first sources; a range of a whole graph's nodes starts elsewhere).
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { meanAggregate } from "./mean_aggregate.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const buf = (a: Int32Array | Float32Array) => {
 *   const b = device.createBuffer(a.byteLength, "x");
 *   device.write(b, a);
 *   return b;
 * };
 * const block = {
 *   numDst: 1, numSrc: 3, numEdges: 2,
 *   indptr: buf(new Int32Array([0, 2])), indices: buf(new Int32Array([1, 2])),
 * };
 * const out = device.createBuffer(4, "out");
 * meanAggregate(device, block, buf(new Float32Array([9, 1, 3])), out, { dim: 1 });
 * console.log(await device.read(out, "f32")); // Float32Array [2]
 * device.destroy();
 * ```
 */
export function meanAggregate(
  device: Device,
  block: Block,
  h: DeviceBuffer,
  out: DeviceBuffer,
  options: { dim: number; concat?: boolean; selfBegin?: number },
): void {
  const { dim } = options;
  const selfBegin = options.selfBegin ?? 0;
  const width = options.concat ? 2 * dim : dim;
  const rows = Math.max(block.numSrc, options.concat ? selfBegin + block.numDst : 0);
  if (h.size < rows * dim * 4) {
    throw new RangeError(
      `meanAggregate: h ("${h.label}") holds ${h.size} bytes, expected ${rows} rows of ${dim}`,
    );
  }
  if (out.size < block.numDst * width * 4) {
    throw new RangeError(
      `meanAggregate: out ("${out.label}") holds ${out.size} bytes, expected ${block.numDst} rows of ${width}`,
    );
  }
  device.dispatch(meanAggregateKernel, {
    h,
    indptr: block.indptr,
    indices: block.indices,
    out,
  }, { num_dst: block.numDst, dim, concat: options.concat ? 1 : 0, self_begin: selfBegin });
}
