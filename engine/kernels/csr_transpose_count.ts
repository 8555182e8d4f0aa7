import wgsl from "../../shaders/csr_transpose_count.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";

/**
 * Counts the edges of each source node of a CSR (`counts[indices[e]] += 1`),
 * the first step of transposing it. `counts` must start at zero. One
 * invocation per edge, with atomics on the GPU.
 *
 * @example
 * ```ts
 * import csrTransposeCountKernel from "./csr_transpose_count.ts";
 * const counts = new Int32Array(2);
 * csrTransposeCountKernel.cpu({
 *   buffers: { indices: new Int32Array([1, 1, 0]), counts },
 *   uniforms: { num_edges: 3 }, begin: 0, end: 3,
 * });
 * console.log(Array.from(counts)); // [1, 2]
 * ```
 */
const csrTransposeCountKernel = defineKernel({
  name: "csr_transpose_count",
  wgsl,
  workgroupSize: 256,
  bindings: [
    { name: "indices", type: "i32", access: "read" },
    { name: "counts", type: "atomic<i32>", access: "read_write" },
  ],
  uniforms: [{ name: "num_edges", type: "u32" }],
  invocations: (u) => u.num_edges,
  cpu: ({ buffers: { indices, counts }, begin, end }) => {
    for (let e = begin; e < end; e++) counts[indices[e]!]!++;
  },
});
export default csrTransposeCountKernel;
