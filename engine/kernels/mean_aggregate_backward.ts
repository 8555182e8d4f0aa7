import wgsl from "../../shaders/mean_aggregate_backward.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";

/**
 * Backward of `mean_aggregate`: the gradient to every source row, gathered
 * over the transposed CSR (`t_indptr`, `t_dst`) so that each output value has
 * one writer (WGSL has no float atomics). With `concat` = 1 the incoming
 * gradient rows are `[grad_self | grad_mean]` and the self part is added to
 * the first `num_dst` sources. One invocation per output value.
 *
 * @example
 * ```ts
 * import meanAggregateBackwardKernel from "./mean_aggregate_backward.ts";
 * const dh = new Float32Array(2);
 * meanAggregateBackwardKernel.cpu({
 *   buffers: {
 *     grad: new Float32Array([4]), indptr: new Int32Array([0, 2]),
 *     t_indptr: new Int32Array([0, 1, 2]), t_dst: new Int32Array([0, 0]), dh,
 *   },
 *   uniforms: { num_src: 2, num_dst: 1, dim: 1, concat: 0 }, begin: 0, end: 2,
 * });
 * console.log(Array.from(dh)); // [2, 2]
 * ```
 */
const meanAggregateBackwardKernel = defineKernel({
  name: "mean_aggregate_backward",
  module: import.meta.url,
  wgsl,
  workgroupSize: 64,
  bindings: [
    { name: "grad", type: "f32", access: "read" },
    { name: "indptr", type: "i32", access: "read" },
    { name: "t_indptr", type: "i32", access: "read" },
    { name: "t_dst", type: "i32", access: "read" },
    { name: "dh", type: "f32", access: "read_write" },
  ],
  uniforms: [
    { name: "num_src", type: "u32" },
    { name: "num_dst", type: "u32" },
    { name: "dim", type: "u32" },
    { name: "concat", type: "u32" },
  ],
  invocations: (u) => u.num_src * u.dim,
  cpuParallel: true,
  cpu: ({ buffers, uniforms: { num_dst, dim, concat }, begin, end }) => {
    const grad = buffers.grad as Float32Array, dh = buffers.dh as Float32Array;
    const { indptr, t_indptr, t_dst } = buffers;
    const stride = concat ? 2 * dim : dim, meanCol = concat ? dim : 0;
    const acc = new Float32Array(dim);
    // Row by row (the range may start or end inside a row), accumulating
    // locally and writing each output value once.
    let i = begin;
    while (i < end) {
      const s = Math.floor(i / dim);
      const c0 = i - s * dim, c1 = Math.min(dim, end - s * dim);
      acc.fill(0, c0, c1);
      for (let j = t_indptr[s]!, e = t_indptr[s + 1]!; j < e; j++) {
        const d = t_dst[j]!;
        const inv = 1 / (indptr[d + 1]! - indptr[d]!);
        const g = d * stride + meanCol;
        for (let c = c0; c < c1; c++) acc[c]! += grad[g + c]! * inv;
      }
      const o = s * dim;
      if (concat && s < num_dst) {
        const g = s * stride;
        for (let c = c0; c < c1; c++) dh[o + c] = acc[c]! + grad[g + c]!;
      } else {
        for (let c = c0; c < c1; c++) dh[o + c] = acc[c]!;
      }
      i = s * dim + c1;
    }
  },
});
export default meanAggregateBackwardKernel;
