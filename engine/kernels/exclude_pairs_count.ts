import wgsl from "../../shaders/exclude_pairs_count.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";
import { excluded } from "./_excluded.ts";

/**
 * The first step of taking excluded pairs out of a block's CSR (DGL's
 * `exclude="reverse_id"` for link prediction): `counts[d]` becomes the number
 * of destination `d`'s edges whose source `s` is not one of its excluded
 * partners. `excl` lists them: `num_rows + 1` offsets, then each row's
 * partners in ascending order (local ids below `num_rows`, the minibatch's
 * seeds). An exclusive scan of `counts` (`num_dst + 1` values) gives the
 * new offsets for `exclude_pairs_fill`. One invocation per destination.
 *
 * @example
 * ```ts
 * import excludePairsCountKernel from "./exclude_pairs_count.ts";
 * const counts = new Int32Array(2);
 * // Row 0 has sources 1 and 0; the pair (0, 1) is excluded both ways.
 * excludePairsCountKernel.cpu({
 *   buffers: {
 *     indptr: new Int32Array([0, 2, 3]), indices: new Int32Array([1, 0, 0]),
 *     excl: new Int32Array([0, 1, 2, 1, 0]), counts,
 *   },
 *   uniforms: { num_dst: 2, num_rows: 2 }, begin: 0, end: 2,
 * });
 * console.log(Array.from(counts)); // [1, 0]
 * ```
 */
const excludePairsCountKernel = defineKernel({
  name: "exclude_pairs_count",
  module: import.meta.url,
  wgsl,
  workgroupSize: 64,
  bindings: [
    { name: "indptr", type: "i32", access: "read" },
    { name: "indices", type: "i32", access: "read" },
    { name: "excl", type: "i32", access: "read" },
    { name: "counts", type: "i32", access: "read_write" },
  ],
  uniforms: [
    { name: "num_dst", type: "u32" },
    { name: "num_rows", type: "u32" },
  ],
  invocations: (u) => u.num_dst,
  cpuParallel: true,
  cpu: ({ buffers: { indptr, indices, excl, counts }, uniforms: { num_rows }, begin, end }) => {
    for (let d = begin; d < end; d++) {
      let kept = 0;
      for (let e = indptr[d]!; e < indptr[d + 1]!; e++) {
        if (!excluded(excl, num_rows, d, indices[e]!)) kept++;
      }
      counts[d] = kept;
    }
  },
});
export default excludePairsCountKernel;
