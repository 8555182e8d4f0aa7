import body from "../../shaders/mean_aggregate_backward_activation.wgsl" with { type: "text" };
import random from "../../shaders/_random.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";
import { ACTIVATION_CHUNK_ROWS } from "./activation_backward.ts";
import { dropoutKeeps, dropoutScale } from "./_dropout.ts";
import { pcg } from "./_random.ts";

/**
 * `mean_aggregate_backward` fused with the `activation_backward` of the layer
 * that produced `h`: each source row's gradient is gathered over the
 * transposed CSR (plus the self part with `concat`), then passed back
 * through that layer's dropout and ReLU (mask from its output `y` under
 * ReLU, from the hash of `seed` otherwise) before it is written to `dh`, and
 * each chunk of `ACTIVATION_CHUNK_ROWS` rows writes its column sums to
 * `partial` for `column_sum` (the bias gradient). Saves one pass over the
 * largest activations. One invocation per (chunk, column), columns fastest.
 *
 * @example
 * ```ts
 * import kernel from "./mean_aggregate_backward_activation.ts";
 * const dh = new Float32Array(2), partial = new Float32Array(1);
 * kernel.cpu({
 *   buffers: {
 *     grad: new Float32Array([4]), indptr: new Int32Array([0, 2]),
 *     t_indptr: new Int32Array([0, 1, 2]), t_dst: new Int32Array([0, 0]),
 *     y: new Float32Array([0, 1]), dh, partial,
 *   },
 *   uniforms: { num_src: 2, num_dst: 1, dim: 1, concat: 0, relu: 1, p: 0, seed: 0 },
 *   begin: 0, end: 1,
 * });
 * console.log(Array.from(dh), partial[0]); // [0, 2] 2
 * ```
 */
const meanAggregateBackwardActivationKernel = defineKernel({
  name: "mean_aggregate_backward_activation",
  module: import.meta.url,
  wgsl: random + body,
  workgroupSize: 64,
  constants: { CHUNK_ROWS: ACTIVATION_CHUNK_ROWS },
  bindings: [
    { name: "grad", type: "f32", access: "read" },
    { name: "indptr", type: "i32", access: "read" },
    { name: "t_indptr", type: "i32", access: "read" },
    { name: "t_dst", type: "i32", access: "read" },
    { name: "y", type: "f32", access: "read" },
    { name: "dh", type: "f32", access: "read_write" },
    { name: "partial", type: "f32", access: "read_write" },
  ],
  uniforms: [
    { name: "num_src", type: "u32" },
    { name: "num_dst", type: "u32" },
    { name: "dim", type: "u32" },
    { name: "concat", type: "u32" },
    { name: "relu", type: "u32" },
    { name: "p", type: "f32" },
    { name: "seed", type: "u32" },
  ],
  invocations: (u) => Math.ceil(u.num_src / ACTIVATION_CHUNK_ROWS) * u.dim,
  cpuParallel: true,
  cpu: ({ buffers, uniforms: u, begin, end }) => {
    const grad = buffers.grad as Float32Array, dh = buffers.dh as Float32Array;
    const y = buffers.y as Float32Array, partial = buffers.partial as Float32Array;
    const { indptr, t_indptr, t_dst } = buffers;
    const dim = u.dim, numDst = u.num_dst, relu = u.relu === 1;
    const stride = u.concat ? 2 * dim : dim, meanCol = u.concat ? dim : 0;
    const p = Math.fround(u.p), scale = p > 0 ? dropoutScale(p) : 1, base = pcg(u.seed);
    const yBits = new Int32Array(y.buffer, y.byteOffset, y.length);
    const dhBits = new Int32Array(dh.buffer, dh.byteOffset, dh.length);
    const sums = new Float32Array(dim);
    let at = begin;
    while (at < end) {
      const chunk = Math.floor(at / dim);
      const c0 = at - chunk * dim, c1 = Math.min(dim, end - chunk * dim);
      const r1 = Math.min(u.num_src, (chunk + 1) * ACTIVATION_CHUNK_ROWS);
      sums.fill(0, c0, c1);
      for (let s = chunk * ACTIVATION_CHUNK_ROWS; s < r1; s++) {
        // The row's contributions (its destinations' mean gradients, then
        // its own with `concat`) are summed straight into dh: the first
        // writes, the others add, and the last also applies the mask and
        // feeds the bias sums, so no pass clears, copies or masks the row
        // on its own. Rounded to float32 after every contribution, as the
        // float32 accumulator of the WGSL.
        const o = s * dim, j0 = t_indptr[s]!, edges = t_indptr[s + 1]! - j0;
        const self = u.concat && s < numDst ? 1 : 0, count = edges + self;
        for (let q = 0; q < count; q++) {
          let g: number, w: number;
          if (q < edges) {
            const d = t_dst[j0 + q]!;
            w = 1 / (indptr[d + 1]! - indptr[d]!);
            g = d * stride + meanCol;
          } else {
            w = 1;
            g = s * stride;
          }
          if (q + 1 < count) {
            if (q === 0) { for (let c = c0; c < c1; c++) dh[o + c] = 0 + grad[g + c]! * w; }
            else for (let c = c0; c < c1; c++) dh[o + c]! += grad[g + c]! * w;
          } else if (relu) {
            // Under ReLU the mask is y > 0, read from y's bits: the
            // scaled value is stored, then cleared through an integer
            // mask on its bits, -0 included (a float product with a 0/1
            // mask ran 3-4x slower under V8's optimising tier).
            for (let c = c0; c < c1; c++) {
              const i = o + c, yb = yBits[i]!;
              dh[i] = Math.fround((q === 0 ? 0 : dh[i]!) + grad[g + c]! * w) * scale;
              const bits = dhBits[i]! & ((-yb & ~yb) >> 31), t = bits ^ -2147483648;
              dhBits[i] = bits & ((t | -t) >> 31);
              sums[c]! += dh[i]!;
            }
          } else {
            for (let c = c0; c < c1; c++) {
              const i = o + c;
              let v = Math.fround((q === 0 ? 0 : dh[i]!) + grad[g + c]! * w);
              if (p > 0) v = dropoutKeeps(base, i, p) ? Math.fround(v * scale) : 0;
              dh[i] = v;
              sums[c]! += v;
            }
          }
        }
        if (count === 0) dh.fill(0, o + c0, o + c1);
      }
      for (let c = c0; c < c1; c++) partial[chunk * dim + c] = sums[c]!;
      at = chunk * dim + c1;
    }
  },
});
export default meanAggregateBackwardActivationKernel;
