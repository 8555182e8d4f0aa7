import wgsl from "../../shaders/gather_rows.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";
import { wholeRows } from "./_whole_rows.ts";

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
  cpuGrain: (u) => u.dim,
  wasm: ({ run, addresses: a, uniforms: u, begin, end }) => {
    const rows = wholeRows(begin, end, u.dim);
    if (rows) run(a.table, a.ids, a.out, u.dim, u.row_begin, u.row_end, ...rows);
    return rows !== undefined;
  },
  cpu: ({ buffers, uniforms, begin, end }) => {
    // Values are copied as int32 (bit-exact, no float conversion). Whole rows
    // go four at a time, interleaved, so that the cache and TLB misses of four
    // random rows overlap; partial rows at the range's ends go one by one.
    const table = asInt32(buffers.table);
    const ids = buffers.ids;
    const out = asInt32(buffers.out);
    const { dim, row_begin: lo, row_end: hi } = uniforms;
    const firstFull = Math.ceil(begin / dim);
    const lastFull = Math.floor(end / dim);
    if (firstFull > lastFull) {
      copyPart(table, ids, out, dim, lo, hi, begin, end);
      return;
    }
    copyPart(table, ids, out, dim, lo, hi, begin, firstFull * dim);
    let r = firstFull;
    for (; r + 4 <= lastFull; r += 4) {
      const i0 = ids[r]! - lo, i1 = ids[r + 1]! - lo, i2 = ids[r + 2]! - lo, i3 = ids[r + 3]! - lo;
      const rows = hi - lo;
      if (
        !(i0 >= 0 && i0 < rows && i1 >= 0 && i1 < rows && i2 >= 0 && i2 < rows && i3 >= 0 &&
          i3 < rows)
      ) {
        copyPart(table, ids, out, dim, lo, hi, r * dim, (r + 4) * dim);
        continue;
      }
      const s0 = i0 * dim, s1 = i1 * dim, s2 = i2 * dim, s3 = i3 * dim;
      const d0 = r * dim, d1 = d0 + dim, d2 = d1 + dim, d3 = d2 + dim;
      for (let k = 0; k < dim; k++) {
        out[d0 + k] = table[s0 + k]!;
        out[d1 + k] = table[s1 + k]!;
        out[d2 + k] = table[s2 + k]!;
        out[d3 + k] = table[s3 + k]!;
      }
    }
    copyPart(table, ids, out, dim, lo, hi, r * dim, end);
  },
});
export default gatherRowsKernel;

/** An int32 view of the same memory, for bit-exact copies. */
function asInt32(a: Float32Array | Int32Array | Uint32Array): Int32Array {
  return a instanceof Int32Array ? a : new Int32Array(a.buffer, a.byteOffset, a.length);
}

/** Copies output values `[begin, end)` row by row, partial rows at the ends. */
function copyPart(
  table: Int32Array,
  ids: Float32Array | Int32Array | Uint32Array,
  out: Int32Array,
  dim: number,
  lo: number,
  hi: number,
  begin: number,
  end: number,
): void {
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
}
