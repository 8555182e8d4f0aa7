import type { Block } from "./block.ts";
import type { Device, DeviceBuffer } from "./device.ts";
import meanAggregateBackwardKernel from "./kernels/mean_aggregate_backward.ts";
import meanAggregateBackwardActivationKernel from "./kernels/mean_aggregate_backward_activation.ts";
import { ACTIVATION_CHUNK_ROWS } from "./kernels/activation_backward.ts";
import columnSumKernel from "./kernels/column_sum.ts";
import type { TransposedBlock } from "./transpose_block.ts";

/**
 * Records the backward of `meanAggregate`: `dh` (`numSrc x dim`) receives the
 * gradient of every source row from `grad` (`numDst x dim`, or with `concat`
 * `numDst x 2dim` as `[grad_self | grad_mean]`), gathered through the
 * block's transposed CSR (`transposeBlock`). `dh` is overwritten.
 *
 * With `activation`, `h` was the output `y` of a layer's bias + ReLU +
 * dropout epilogue, and its backward is fused in (one pass over `dh`
 * instead of two): `dh` then holds the gradient of that layer's
 * pre-activation and `activation.db` its bias gradient, as
 * `activationBackward` would give.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { meanAggregateBackward } from "./mean_aggregate_backward.ts";
 * import { transposeBlock } from "./transpose_block.ts";
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
 * const t = transposeBlock(device, block);
 * const dh = device.createBuffer(12, "dh");
 * meanAggregateBackward(device, block, t, buf(new Float32Array([4])), dh, { dim: 1 });
 * console.log(await device.read(dh, "f32")); // Float32Array [0, 2, 2]
 * device.destroy();
 * ```
 */
export function meanAggregateBackward(
  device: Device,
  block: Block,
  transposed: TransposedBlock,
  grad: DeviceBuffer,
  dh: DeviceBuffer,
  options: {
    dim: number;
    concat?: boolean;
    activation?: {
      readonly y: DeviceBuffer;
      readonly db: DeviceBuffer;
      readonly dbOffset: number;
      readonly relu: boolean;
      readonly p: number;
      readonly seed: number;
    };
  },
): void {
  const { dim } = options;
  const width = options.concat ? 2 * dim : dim;
  if (grad.size < block.numDst * width * 4) {
    throw new RangeError(
      `meanAggregateBackward: grad ("${grad.label}") holds ${grad.size} bytes, expected ${block.numDst} rows of ${width}`,
    );
  }
  if (dh.size < block.numSrc * dim * 4) {
    throw new RangeError(
      `meanAggregateBackward: dh ("${dh.label}") holds ${dh.size} bytes, expected ${block.numSrc} rows of ${dim}`,
    );
  }
  const act = options.activation;
  if (!act) {
    device.dispatch(meanAggregateBackwardKernel, {
      grad,
      indptr: block.indptr,
      t_indptr: transposed.indptr,
      t_dst: transposed.dst,
      dh,
    }, {
      num_src: block.numSrc,
      num_dst: block.numDst,
      dim,
      concat: options.concat ? 1 : 0,
    });
    return;
  }
  const chunks = Math.ceil(block.numSrc / ACTIVATION_CHUNK_ROWS);
  const partial = device.createBuffer(chunks * dim * 4, "activation partial sums");
  device.dispatch(meanAggregateBackwardActivationKernel, {
    grad,
    indptr: block.indptr,
    t_indptr: transposed.indptr,
    t_dst: transposed.dst,
    y: act.y,
    dh,
    partial,
  }, {
    num_src: block.numSrc,
    num_dst: block.numDst,
    dim,
    concat: options.concat ? 1 : 0,
    relu: act.relu ? 1 : 0,
    p: act.p,
    seed: act.seed,
  });
  device.dispatch(columnSumKernel, { x: partial, out: act.db }, {
    rows: chunks,
    dim,
    out_off: act.dbOffset,
  });
  // Released now, reused only by work recorded later, which runs after this.
  device.release(partial);
}
