import wgsl from "../../shaders/mean_aggregate.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";
import { wholeRows } from "./_whole_rows.ts";

/**
 * Mean aggregation over a block's CSR: `out[d] = mean(h[indices[e]])` for the
 * edges of destination `d` (zeros when it has none). With `concat` = 1 each
 * output row is `[h[self_begin + d] | mean]`, `2 * dim` wide (`self_begin`:
 * where the destinations' own rows start in `h`, 0 in a sampled block). One invocation per output
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
 *   uniforms: { num_dst: 1, dim: 1, concat: 0, self_begin: 0 }, begin: 0, end: 1,
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
    { name: "self_begin", type: "u32" },
  ],
  invocations: (u) => u.num_dst * u.dim,
  cpuParallel: true,
  cpuGrain: (u) => u.dim,
  wasm: ({ run, addresses: a, uniforms: u, begin, end }) => {
    const rows = wholeRows(begin, end, u.dim);
    if (rows) run(a.h, a.indptr, a.indices, a.out, u.dim, u.concat, u.self_begin, ...rows);
    return rows !== undefined;
  },
  cpu: ({ buffers, uniforms: { dim, concat, self_begin }, begin, end }) => {
    const h = buffers.h as Float32Array, out = buffers.out as Float32Array;
    const { indptr, indices } = buffers;
    const stride = concat ? 2 * dim : dim, meanCol = concat ? dim : 0;
    // Row by row (the range may start or end inside a row), summing straight
    // into `out`: the first group of neighbour rows writes, later groups add,
    // and the last one also applies 1/degree, so no pass clears or rescales
    // the row. Groups of four rows (then one group of the 1-3 left) let
    // their cache misses overlap. The sums round to float32 after every
    // group and before the scale, as a float32 accumulator would.
    let i = begin;
    while (i < end) {
      const d = Math.floor(i / dim);
      const c0 = i - d * dim, c1 = Math.min(dim, end - d * dim);
      const b = indptr[d]!, e = indptr[d + 1]!;
      const o = d * stride + meanCol;
      const inv = e > b ? 1 / (e - b) : 0;
      if (e === b) out.fill(0, o + c0, o + c1);
      for (let j = b; j < e; j += 4) {
        const n = Math.min(4, e - j), first = j === b, last = j + n === e;
        const s0 = indices[j]! * dim;
        const s1 = n > 1 ? indices[j + 1]! * dim : 0;
        const s2 = n > 2 ? indices[j + 2]! * dim : 0;
        const s3 = n > 3 ? indices[j + 3]! * dim : 0;
        if (n === 4) {
          if (first && last) {
            for (let c = c0; c < c1; c++) {
              out[o + c] = Math.fround(0 + (h[s0 + c]! + h[s1 + c]! + h[s2 + c]! + h[s3 + c]!)) *
                inv;
            }
          } else if (first) {
            for (let c = c0; c < c1; c++) {
              out[o + c] = 0 + (h[s0 + c]! + h[s1 + c]! + h[s2 + c]! + h[s3 + c]!);
            }
          } else if (last) {
            for (let c = c0; c < c1; c++) {
              out[o + c] =
                Math.fround(out[o + c]! + (h[s0 + c]! + h[s1 + c]! + h[s2 + c]! + h[s3 + c]!)) *
                inv;
            }
          } else {
            for (let c = c0; c < c1; c++) {
              out[o + c]! += h[s0 + c]! + h[s1 + c]! + h[s2 + c]! + h[s3 + c]!;
            }
          }
        } else {
          // The last 1-3 rows, added one by one as the four-row groups' tail was.
          for (let c = c0; c < c1; c++) {
            let acc = first ? 0 : out[o + c]!;
            acc = Math.fround(acc + h[s0 + c]!);
            if (n > 1) acc = Math.fround(acc + h[s1 + c]!);
            if (n > 2) acc = Math.fround(acc + h[s2 + c]!);
            out[o + c] = acc * inv;
          }
        }
      }
      const self = (self_begin + d) * dim;
      if (concat) out.set(h.subarray(self + c0, self + c1), d * stride + c0);
      i = d * dim + c1;
    }
  },
});
export default meanAggregateKernel;
