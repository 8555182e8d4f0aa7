import wgsl from "../../shaders/csr_transpose_fill.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";

/**
 * Fills a transposed CSR: for every edge `d -> s` stores `d` in source `s`'s
 * list, which starts at `t_indptr[s]` (the exclusive scan of the counts).
 * `cursor` must start at zero. One invocation per destination.
 *
 * @example
 * ```ts
 * import csrTransposeFillKernel from "./csr_transpose_fill.ts";
 * const t_dst = new Int32Array(3);
 * csrTransposeFillKernel.cpu({
 *   buffers: {
 *     indptr: new Int32Array([0, 2, 3]), indices: new Int32Array([1, 0, 1]),
 *     t_indptr: new Int32Array([0, 1, 3]), cursor: new Int32Array(2), t_dst,
 *   },
 *   uniforms: { num_dst: 2 }, begin: 0, end: 2,
 * });
 * console.log(Array.from(t_dst)); // [0, 0, 1]
 * ```
 */
const csrTransposeFillKernel = defineKernel({
  name: "csr_transpose_fill",
  wgsl,
  workgroupSize: 64,
  bindings: [
    { name: "indptr", type: "i32", access: "read" },
    { name: "indices", type: "i32", access: "read" },
    { name: "t_indptr", type: "i32", access: "read" },
    { name: "cursor", type: "atomic<i32>", access: "read_write" },
    { name: "t_dst", type: "i32", access: "read_write" },
  ],
  uniforms: [{ name: "num_dst", type: "u32" }],
  invocations: (u) => u.num_dst,
  cpu: ({ buffers: { indptr, indices, t_indptr, cursor, t_dst }, begin, end }) => {
    for (let d = begin; d < end; d++) {
      for (let j = indptr[d]!; j < indptr[d + 1]!; j++) {
        const s = indices[j]!;
        t_dst[t_indptr[s]! + cursor[s]!++] = d;
      }
    }
  },
});
export default csrTransposeFillKernel;
