import wgsl from "../../shaders/exclude_pairs_fill.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";
import { excluded } from "./_excluded.ts";

/**
 * The last step of taking excluded pairs out of a block's CSR: copies each
 * destination's kept sources, in their order, to
 * `out_indices[out_indptr[d] ..)`, where `out_indptr` is the exclusive scan
 * of `exclude_pairs_count`'s counts (same `excl` list). One invocation per
 * destination.
 *
 * @example
 * ```ts
 * import excludePairsFillKernel from "./exclude_pairs_fill.ts";
 * const out = new Int32Array(1);
 * excludePairsFillKernel.cpu({
 *   buffers: {
 *     indptr: new Int32Array([0, 2, 3]), indices: new Int32Array([1, 0, 0]),
 *     excl: new Int32Array([0, 1, 2, 1, 0]), out_indptr: new Int32Array([0, 1, 1]), out_indices: out,
 *   },
 *   uniforms: { num_dst: 2, num_rows: 2 }, begin: 0, end: 2,
 * });
 * console.log(Array.from(out)); // [0]
 * ```
 */
const excludePairsFillKernel = defineKernel({
  name: "exclude_pairs_fill",
  module: import.meta.url,
  wgsl,
  workgroupSize: 64,
  bindings: [
    { name: "indptr", type: "i32", access: "read" },
    { name: "indices", type: "i32", access: "read" },
    { name: "excl", type: "i32", access: "read" },
    { name: "out_indptr", type: "i32", access: "read" },
    { name: "out_indices", type: "i32", access: "read_write" },
  ],
  uniforms: [
    { name: "num_dst", type: "u32" },
    { name: "num_rows", type: "u32" },
  ],
  invocations: (u) => u.num_dst,
  cpuParallel: true,
  cpu: ({ buffers, uniforms: { num_rows }, begin, end }) => {
    const { indptr, indices, excl, out_indptr: outPtr, out_indices: out } = buffers;
    for (let d = begin; d < end; d++) {
      let at = outPtr[d]!;
      for (let e = indptr[d]!; e < indptr[d + 1]!; e++) {
        const s = indices[e]!;
        if (!excluded(excl, num_rows, d, s)) out[at++] = s;
      }
    }
  },
});
export default excludePairsFillKernel;
