import type { Device, DeviceBuffer } from "./device.ts";
import activationBackwardKernel, { ACTIVATION_CHUNK_ROWS } from "./kernels/activation_backward.ts";
import columnSumKernel from "./kernels/column_sum.ts";

/** What `activationBackward` undoes: the settings `bias_activation` ran with. */
export interface ActivationBackwardOptions {
  readonly rows: number;
  readonly dim: number;
  /** Where the bias gradient goes in `db`, in float32 elements. */
  readonly dbOffset: number;
  readonly relu: boolean;
  /** Dropout rate of the forward pass (0: none). */
  readonly p: number;
  /** Dropout seed of the forward pass. */
  readonly seed: number;
}

/**
 * Records the backward of a layer's bias + ReLU + dropout epilogue: `grad`
 * (`rows x dim`, the gradient of the layer's output `y`) becomes, in place,
 * the gradient of the pre-activation, and `db[dbOffset ..]` receives the
 * bias gradient (its column sums). Two dispatches, both parallel over rows:
 * per-chunk column sums, then their sum.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { activationBackward } from "./activation_backward.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const buf = (a: Float32Array) => {
 *   const b = device.createBuffer(a.byteLength, "x");
 *   device.write(b, a);
 *   return b;
 * };
 * const grad = buf(new Float32Array([5, 7])), db = device.createBuffer(4, "db");
 * activationBackward(device, grad, buf(new Float32Array([0, 2])), db, {
 *   rows: 2, dim: 1, dbOffset: 0, relu: true, p: 0, seed: 0,
 * });
 * console.log(await device.read(grad, "f32"), await device.read(db, "f32")); // [0, 7] [7]
 * device.destroy();
 * ```
 */
export function activationBackward(
  device: Device,
  grad: DeviceBuffer,
  y: DeviceBuffer,
  db: DeviceBuffer,
  options: ActivationBackwardOptions,
): void {
  const { rows, dim } = options;
  const chunks = Math.ceil(rows / ACTIVATION_CHUNK_ROWS);
  const partial = device.createBuffer(chunks * dim * 4, "activation partial sums");
  device.dispatch(activationBackwardKernel, { grad, y, partial }, {
    rows,
    dim,
    relu: options.relu ? 1 : 0,
    p: options.p,
    seed: options.seed,
  });
  device.dispatch(columnSumKernel, { x: partial, out: db }, {
    rows: chunks,
    dim,
    out_off: options.dbOffset,
  });
  // Released now, reused only by work recorded later, which runs after this.
  device.release(partial);
}
