import wgsl from "../../shaders/link_bce_backward.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";

/**
 * The gradient of `link_bce`'s mean loss into the embedding rows: for each
 * of `rows x dim` output values, `grad[r][k]` is the sum over the pairs `p`
 * that row `r` belongs to of `pair_grad[p] * emb[other end of p][k]` (a pair
 * of a row with itself is listed twice, giving its factor 2). `link` is a
 * whole link target (`link_target.ts`): after the pairs' rows and labels
 * (`3 * num_pairs` values), `rows + 1` offsets into the list of pair ids by
 * row. A gather per row, so no float atomics. One invocation per output value.
 *
 * @example
 * ```ts
 * import linkBceBackwardKernel from "./link_bce_backward.ts";
 * const grad = new Float32Array(4);
 * // One pair (row 0, row 1), label 1, pair_grad -0.5; rows 0 and 1 each list pair 0.
 * const target = new Int32Array([0, 1, 1, 0, 1, 2, 0, 0]);
 * linkBceBackwardKernel.cpu({
 *   buffers: { emb: new Float32Array([1, 0, 0, 1]), link: target, pair_grad: new Float32Array([-0.5]), grad },
 *   uniforms: { num_pairs: 1, rows: 2, dim: 2 }, begin: 0, end: 4,
 * });
 * console.log(Array.from(grad)); // [0, -0.5, -0.5, 0]
 * ```
 */
const linkBceBackwardKernel = defineKernel({
  name: "link_bce_backward",
  module: import.meta.url,
  wgsl,
  workgroupSize: 256,
  bindings: [
    { name: "emb", type: "f32", access: "read" },
    { name: "link", type: "i32", access: "read" },
    { name: "pair_grad", type: "f32", access: "read" },
    { name: "grad", type: "f32", access: "read_write" },
  ],
  uniforms: [
    { name: "num_pairs", type: "u32" },
    { name: "rows", type: "u32" },
    { name: "dim", type: "u32" },
  ],
  invocations: (u) => u.rows * u.dim,
  cpuParallel: true,
  cpuGrain: (u) => u.dim,
  cpu: ({ buffers, uniforms: { num_pairs: n, rows, dim }, begin, end }) => {
    const emb = buffers.emb as Float32Array, pairGrad = buffers.pair_grad as Float32Array;
    const grad = buffers.grad as Float32Array, target = buffers.link;
    const ptrAt = 3 * n, listAt = ptrAt + rows + 1;
    // Row by row over the range, each row's pairs once, summed in float32
    // in list order as the WGSL does.
    for (let i = begin; i < end;) {
      const r = Math.floor(i / dim);
      const rowEnd = Math.min(end, (r + 1) * dim);
      const k0 = i - r * dim;
      for (let k = k0; k < k0 + rowEnd - i; k++) grad[r * dim + k] = 0;
      for (let e = target[ptrAt + r]!; e < target[ptrAt + r + 1]!; e++) {
        const p = target[listAt + e]!;
        let other = target[p]!;
        if (other === r) other = target[n + p]!;
        const g = pairGrad[p]!, o = other * dim;
        for (let k = k0; k < k0 + rowEnd - i; k++) {
          grad[r * dim + k] = Math.fround(grad[r * dim + k]! + g * emb[o + k]!);
        }
      }
      i = rowEnd;
    }
  },
});
export default linkBceBackwardKernel;
