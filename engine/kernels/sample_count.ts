import wgsl from "../../shaders/sample_count.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";

/**
 * How many neighbours uniform sampling takes for each seed:
 * `min(fanout, degree)`, written to `counts` ahead of an exclusive scan.
 *
 * @example
 * ```ts
 * import sampleCountKernel from "./sample_count.ts";
 * console.log(sampleCountKernel.name); // "sample_count"
 * ```
 */
const sampleCountKernel = defineKernel({
  name: "sample_count",
  module: import.meta.url,
  wgsl,
  workgroupSize: 256,
  bindings: [
    { name: "indptr", type: "i32", access: "read" },
    { name: "seeds", type: "i32", access: "read" },
    { name: "counts", type: "i32", access: "read_write" },
  ],
  uniforms: [{ name: "num_seeds", type: "u32" }, { name: "fanout", type: "u32" }],
  invocations: (u) => u.num_seeds,
  cpuParallel: true,
  cpu: ({ buffers: { indptr, seeds, counts }, uniforms: { fanout }, begin, end }) => {
    for (let i = begin; i < end; i++) {
      const v = seeds[i]!;
      counts[i] = v < 0 ? 0 : Math.min(fanout, indptr[v + 1]! - indptr[v]!);
    }
  },
});
export default sampleCountKernel;
