import wgsl from "../../shaders/column_sum.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";

/**
 * Column sums of a row-major `rows x dim` matrix, in row order:
 * `out[out_off + c] = sum over r of x[r * dim + c]`. One invocation per
 * column; meant for short matrices such as per-chunk partial sums.
 *
 * @example
 * ```ts
 * import columnSumKernel from "./column_sum.ts";
 * const out = new Float32Array(2);
 * columnSumKernel.cpu({
 *   buffers: { x: new Float32Array([1, 2, 3, 4]), out },
 *   uniforms: { rows: 2, dim: 2, out_off: 0 }, begin: 0, end: 2,
 * });
 * console.log(Array.from(out)); // [4, 6]
 * ```
 */
const columnSumKernel = defineKernel({
  name: "column_sum",
  wgsl,
  workgroupSize: 64,
  bindings: [
    { name: "x", type: "f32", access: "read" },
    { name: "out", type: "f32", access: "read_write" },
  ],
  uniforms: [
    { name: "rows", type: "u32" },
    { name: "dim", type: "u32" },
    { name: "out_off", type: "u32" },
  ],
  invocations: (u) => u.dim,
  cpu: ({ buffers, uniforms: { rows, dim, out_off }, begin, end }) => {
    const x = buffers.x as Float32Array, out = buffers.out as Float32Array;
    const sums = new Float32Array(end - begin);
    for (let r = 0; r < rows; r++) {
      const row = r * dim;
      for (let c = begin; c < end; c++) sums[c - begin]! += x[row + c]!;
    }
    out.set(sums, out_off + begin);
  },
});
export default columnSumKernel;
