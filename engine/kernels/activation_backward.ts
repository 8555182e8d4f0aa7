import body from "../../shaders/activation_backward.wgsl" with { type: "text" };
import random from "../../shaders/_random.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";
import { dropoutKeeps, dropoutScale } from "./_dropout.ts";
import { pcg } from "./_random.ts";

/**
 * Backward of `bias_activation`, in place over `grad` (`rows x dim`): undoes
 * dropout (same hash mask, same `seed` and `p`) and ReLU (where the layer's
 * output `y` is not positive), and writes each column's sum, the bias
 * gradient, to `db[db_off + c]`. One invocation per column.
 *
 * @example
 * ```ts
 * import activationBackwardKernel from "./activation_backward.ts";
 * const grad = new Float32Array([5, 7]), db = new Float32Array(1);
 * activationBackwardKernel.cpu({
 *   buffers: { grad, y: new Float32Array([0, 2]), db },
 *   uniforms: { rows: 2, dim: 1, db_off: 0, relu: 1, p: 0, seed: 0 }, begin: 0, end: 1,
 * });
 * console.log(Array.from(grad), db[0]); // [0, 7] 7
 * ```
 */
const activationBackwardKernel = defineKernel({
  name: "activation_backward",
  module: import.meta.url,
  wgsl: random + body,
  workgroupSize: 64,
  bindings: [
    { name: "grad", type: "f32", access: "read_write" },
    { name: "y", type: "f32", access: "read" },
    { name: "db", type: "f32", access: "read_write" },
  ],
  uniforms: [
    { name: "rows", type: "u32" },
    { name: "dim", type: "u32" },
    { name: "db_off", type: "u32" },
    { name: "relu", type: "u32" },
    { name: "p", type: "f32" },
    { name: "seed", type: "u32" },
  ],
  invocations: (u) => u.dim,
  cpuParallel: true,
  cpu: ({ buffers, uniforms: u, begin, end }) => {
    const grad = buffers.grad as Float32Array, y = buffers.y as Float32Array;
    const db = buffers.db as Float32Array;
    const scale = dropoutScale(u.p), base = pcg(u.seed);
    const sums = new Float32Array(end - begin);
    for (let r = 0; r < u.rows; r++) {
      const row = r * u.dim;
      for (let c = begin; c < end; c++) {
        const i = row + c;
        let g = grad[i]!;
        if (u.p > 0) g = dropoutKeeps(base, i, u.p) ? g * scale : 0;
        if (u.relu && y[i]! <= 0) g = 0;
        grad[i] = g;
        sums[c - begin]! += g;
      }
    }
    db.set(sums, u.db_off + begin);
  },
});
export default activationBackwardKernel;
