import wgsl from "../../shaders/gather_rows.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";

/**
 * Gathers rows of one chunk of a row-major float32 table by an id list:
 * `out[r] = table[ids[r] - row_begin]` for ids in `[row_begin, row_end)`.
 * Tables larger than one binding are split into chunks and gathered with one
 * dispatch per chunk (see `gatherRows`). One invocation per output value.
 *
 * @example
 * ```ts
 * import gatherRowsKernel from "./gather_rows.ts";
 * console.log(gatherRowsKernel.bindings.map((b) => b.name)); // ["table", "ids", "out"]
 * ```
 */
const gatherRowsKernel = defineKernel({
  name: "gather_rows",
  module: import.meta.url,
  wgsl,
  workgroupSize: 256,
  bindings: [
    { name: "table", type: "f32", access: "read" },
    { name: "ids", type: "i32", access: "read" },
    { name: "out", type: "f32", access: "read_write" },
  ],
  uniforms: [
    { name: "num_ids", type: "u32" },
    { name: "dim", type: "u32" },
    { name: "row_begin", type: "i32" },
    { name: "row_end", type: "i32" },
  ],
  invocations: (u) => u.num_ids * u.dim,
  cpuParallel: true,
  cpu: ({ buffers, uniforms, begin, end }) => {
    const { table, ids, out } = buffers;
    const { dim, row_begin: lo, row_end: hi } = uniforms;
    // Whole rows at a time: the range is split into rows, partial rows at its ends.
    let i = begin;
    while (i < end) {
      const r = Math.floor(i / dim);
      const rowEnd = Math.min(end, (r + 1) * dim);
      const id = ids[r]!;
      if (id >= lo && id < hi) {
        const src = (id - lo) * dim - r * dim;
        for (let k = i; k < rowEnd; k++) out[k] = table[src + k]!;
      }
      i = rowEnd;
    }
  },
});
export default gatherRowsKernel;
