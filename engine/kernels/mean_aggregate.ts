import wgsl from "../../shaders/mean_aggregate.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";

/**
 * Mean aggregation over a block's CSR: `out[d] = mean(h[indices[e]])` for the
 * edges of destination `d` (zeros when it has none). With `concat` = 1 each
 * output row is `[h[d] | mean]`, `2 * dim` wide. One invocation per output
 * value of the mean.
 *
 * @example
 * ```ts
 * import meanAggregateKernel from "./mean_aggregate.ts";
 * const out = new Float32Array(1);
 * meanAggregateKernel.cpu({
 *   buffers: {
 *     h: new Float32Array([1, 3]), indptr: new Int32Array([0, 2]),
 *     indices: new Int32Array([0, 1]), out,
 *   },
 *   uniforms: { num_dst: 1, dim: 1, concat: 0 }, begin: 0, end: 1,
 * });
 * console.log(out[0]); // 2
 * ```
 */
const meanAggregateKernel = defineKernel({
  name: "mean_aggregate",
  module: import.meta.url,
  wgsl,
  workgroupSize: 64,
  bindings: [
    { name: "h", type: "f32", access: "read" },
    { name: "indptr", type: "i32", access: "read" },
    { name: "indices", type: "i32", access: "read" },
    { name: "out", type: "f32", access: "read_write" },
  ],
  uniforms: [
    { name: "num_dst", type: "u32" },
    { name: "dim", type: "u32" },
    { name: "concat", type: "u32" },
  ],
  invocations: (u) => u.num_dst * u.dim,
  cpuParallel: true,
  cpu: ({ buffers, uniforms: { dim, concat }, begin, end }) => {
    const h = buffers.h as Float32Array, out = buffers.out as Float32Array;
    const { indptr, indices } = buffers;
    const stride = concat ? 2 * dim : dim, meanCol = concat ? dim : 0;
    // Whole rows at a time; the range may start or end inside a row.
    let i = begin;
    while (i < end) {
      const d = Math.floor(i / dim);
      const c0 = i - d * dim, c1 = Math.min(dim, end - d * dim);
      const o = d * stride + meanCol;
      out.fill(0, o + c0, o + c1);
      const b = indptr[d]!, e = indptr[d + 1]!;
      for (let j = b; j < e; j++) {
        const s = indices[j]! * dim;
        for (let c = c0; c < c1; c++) out[o + c]! += h[s + c]!;
      }
      if (e > b) {
        const inv = 1 / (e - b);
        for (let c = c0; c < c1; c++) out[o + c]! *= inv;
      }
      if (concat) {
        for (let c = c0; c < c1; c++) out[d * stride + c] = h[d * dim + c]!;
      }
      i = d * dim + c1;
    }
  },
});
export default meanAggregateKernel;
