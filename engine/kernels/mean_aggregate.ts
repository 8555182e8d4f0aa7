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
    const acc = new Float32Array(dim);
    // Row by row (the range may start or end inside a row), four neighbour
    // rows at a time so that their cache misses overlap.
    let i = begin;
    while (i < end) {
      const d = Math.floor(i / dim);
      const c0 = i - d * dim, c1 = Math.min(dim, end - d * dim);
      const b = indptr[d]!, e = indptr[d + 1]!;
      acc.fill(0, c0, c1);
      let j = b;
      for (; j + 4 <= e; j += 4) {
        const s0 = indices[j]! * dim, s1 = indices[j + 1]! * dim;
        const s2 = indices[j + 2]! * dim, s3 = indices[j + 3]! * dim;
        for (let c = c0; c < c1; c++) {
          acc[c]! += h[s0 + c]! + h[s1 + c]! + h[s2 + c]! + h[s3 + c]!;
        }
      }
      for (; j < e; j++) {
        const s0 = indices[j]! * dim;
        for (let c = c0; c < c1; c++) acc[c]! += h[s0 + c]!;
      }
      const inv = e > b ? 1 / (e - b) : 0;
      const o = d * stride + meanCol;
      for (let c = c0; c < c1; c++) out[o + c] = acc[c]! * inv;
      if (concat) out.set(h.subarray(d * dim + c0, d * dim + c1), d * stride + c0);
      i = d * dim + c1;
    }
  },
});
export default meanAggregateKernel;
