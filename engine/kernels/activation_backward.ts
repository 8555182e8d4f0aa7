import body from "../../shaders/activation_backward.wgsl" with { type: "text" };
import random from "../../shaders/_random.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";
import { pcg } from "./_random.ts";
import { dropoutKeeps, dropoutScale } from "./_dropout.ts";

/** Rows of one chunk: each invocation covers one column of one chunk of rows. */
export const ACTIVATION_CHUNK_ROWS = 128;

/**
 * Backward of `bias_activation`, in place over `grad` (`rows x dim`): undoes
 * dropout and ReLU, and writes the column sums of each chunk of
 * `ACTIVATION_CHUNK_ROWS` rows to `partial` (`chunks x dim`), which
 * `column_sum` reduces to the bias gradient. With ReLU the mask is read from
 * the layer's output `y` alone (`y > 0` exactly where dropout kept the value
 * and the pre-activation was positive), so no hash is recomputed; without
 * ReLU the dropout mask is redrawn from the same hash of `seed` and the
 * element index. One invocation per (chunk, column), columns fastest, so
 * that the CPU backend splits the work by rows.
 *
 * @example
 * ```ts
 * import activationBackwardKernel from "./activation_backward.ts";
 * const grad = new Float32Array([5, 7]), partial = new Float32Array(1);
 * activationBackwardKernel.cpu({
 *   buffers: { grad, y: new Float32Array([0, 2]), partial },
 *   uniforms: { rows: 2, dim: 1, relu: 1, p: 0, seed: 0 }, begin: 0, end: 1,
 * });
 * console.log(Array.from(grad), partial[0]); // [0, 7] 7
 * ```
 */
const activationBackwardKernel = defineKernel({
  name: "activation_backward",
  module: import.meta.url,
  wgsl: random + body,
  workgroupSize: 64,
  constants: { CHUNK_ROWS: ACTIVATION_CHUNK_ROWS },
  bindings: [
    { name: "grad", type: "f32", access: "read_write" },
    { name: "y", type: "f32", access: "read" },
    { name: "partial", type: "f32", access: "read_write" },
  ],
  uniforms: [
    { name: "rows", type: "u32" },
    { name: "dim", type: "u32" },
    { name: "relu", type: "u32" },
    { name: "p", type: "f32" },
    { name: "seed", type: "u32" },
  ],
  invocations: (u) => Math.ceil(u.rows / ACTIVATION_CHUNK_ROWS) * u.dim,
  cpuParallel: true,
  cpu: ({ buffers, uniforms: u, begin, end }) => {
    const grad = buffers.grad as Float32Array, y = buffers.y as Float32Array;
    const partial = buffers.partial as Float32Array;
    const dim = u.dim, relu = u.relu === 1;
    const p = Math.fround(u.p), scale = p > 0 ? dropoutScale(p) : 1, base = pcg(u.seed);
    // With ReLU, y >= 0, and y > 0 exactly when its bits as int32 are > 0:
    // the mask is then (-bits & ~bits) >>> 31, free of branches (which
    // would mispredict on a random mask); `+ 0` turns -0 into 0.
    const yBits = new Int32Array(y.buffer, y.byteOffset, y.length);
    const sums = new Float32Array(dim);
    // Chunk by chunk (the range may start or end inside a chunk's columns),
    // row-major inside the chunk.
    let at = begin;
    while (at < end) {
      const chunk = Math.floor(at / dim);
      const c0 = at - chunk * dim, c1 = Math.min(dim, end - chunk * dim);
      const r1 = Math.min(u.rows, (chunk + 1) * ACTIVATION_CHUNK_ROWS);
      sums.fill(0, c0, c1);
      for (let r = chunk * ACTIVATION_CHUNK_ROWS; r < r1; r++) {
        const row = r * dim;
        for (let c = c0; c < c1; c++) {
          const i = row + c;
          let g = grad[i]!;
          if (relu) {
            const bits = yBits[i]!;
            g = g * (scale * ((-bits & ~bits) >>> 31)) + 0;
          } else if (p > 0) {
            g = dropoutKeeps(base, i, p) ? g * scale : 0;
          }
          grad[i] = g;
          sums[c]! += grad[i]!;
        }
      }
      for (let c = c0; c < c1; c++) partial[chunk * dim + c] = sums[c]!;
      at = chunk * dim + c1;
    }
  },
});
export default activationBackwardKernel;
