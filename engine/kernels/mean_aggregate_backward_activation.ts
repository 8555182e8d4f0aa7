import body from "../../shaders/mean_aggregate_backward_activation.wgsl" with { type: "text" };
import random from "../../shaders/_random.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";
import { ACTIVATION_CHUNK_ROWS } from "./activation_backward.ts";
import { dropoutKeeps, dropoutScale } from "./_dropout.ts";
import { pcg } from "./_random.ts";
import { wholeRows } from "./_whole_rows.ts";

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
  cpuGrain: (u) => u.dim,
  // Under ReLU only: the mask from the dropout hash stays TypeScript.
  wasm: ({ run, addresses: a, uniforms: u, begin, end }) => {
    const chunks = wholeRows(begin, end, u.dim);
    if (u.relu !== 1 || !chunks) return false;
    const scale = u.p > 0 ? dropoutScale(Math.fround(u.p)) : 1;
    run(
      a.grad,
      a.indptr,
      a.t_indptr,
      a.t_dst,
      a.y,
      a.dh,
      a.partial,
      u.num_src,
      u.num_dst,
      u.dim,
      u.concat,
      scale,
      ACTIVATION_CHUNK_ROWS,
      ...chunks,
    );
    return true;
  },
  cpu: ({ buffers, uniforms: u, begin, end }) => {
    const grad = buffers.grad as Float32Array, dh = buffers.dh as Float32Array;
    const y = buffers.y as Float32Array, partial = buffers.partial as Float32Array;
    const indptr = buffers.indptr as Int32Array, t_indptr = buffers.t_indptr as Int32Array;
    const t_dst = buffers.t_dst as Int32Array;
    const dim = u.dim, numDst = u.num_dst, relu = u.relu === 1;
    const stride = u.concat ? 2 * dim : dim, meanCol = u.concat ? dim : 0;
    const p = Math.fround(u.p), scale = p > 0 ? dropoutScale(p) : 1, base = pcg(u.seed);
    const yBits = new Int32Array(y.buffer, y.byteOffset, y.length);
    const dhBits = new Int32Array(dh.buffer, dh.byteOffset, dh.length);
    const sums = new Float64Array(dim);
    let at = begin;
    while (at < end) {
      const chunk = Math.floor(at / dim);
      const c0 = at - chunk * dim, c1 = Math.min(dim, end - chunk * dim);
      const r1 = Math.min(u.num_src, (chunk + 1) * ACTIVATION_CHUNK_ROWS);
      sums.fill(0, c0, c1);
      for (let s = chunk * ACTIVATION_CHUNK_ROWS; s < r1; s++) {
        const self = u.concat && s < numDst ? 1 : 0;
        if (relu) {
          reluRow(
            grad,
            dh,
            dhBits,
            yBits,
            sums,
            indptr,
            t_indptr,
            t_dst,
            s,
            self,
            dim,
            stride,
            meanCol,
            c0,
            c1,
            scale,
          );
        } else {
          // As reluRow, with the dropout mask redrawn from the hash.
          const o = s * dim, j0 = t_indptr[s]!, edges = t_indptr[s + 1]! - j0;
          const count = edges + self;
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
      }
      for (let c = c0; c < c1; c++) partial[chunk * dim + c] = sums[c]!;
      at = chunk * dim + c1;
    }
  },
});
export default meanAggregateBackwardActivationKernel;

/**
 * One source row `s` under ReLU, columns `[c0, c1)`: its contributions (its
 * destinations' mean gradients, then its own with `self`) are summed four
 * rows at a time, as the forward's neighbour rows: a row with at most four
 * (most rows) is written once, from the sum of its contributions, scaled
 * and masked; longer rows sum their first groups straight into dh, the
 * last group also scales, masks and feeds the bias sums. The sums round to
 * float32 after each group (float32 summation order differs from the
 * WGSL's one-by-one accumulator, within float32 tolerance). The mask is
 * y > 0, read from y's bits: the scaled value is stored, then cleared
 * through an integer mask on its bits, -0 included (a float product with a
 * 0/1 mask ran 3-4x slower under V8's optimising tier). A function per row
 * so that the optimising tier sees many short calls rather than one long
 * loop.
 */
function reluRow(
  grad: Float32Array,
  dh: Float32Array,
  dhBits: Int32Array,
  yBits: Int32Array,
  sums: Float64Array,
  indptr: Int32Array,
  tIndptr: Int32Array,
  tDst: Int32Array,
  s: number,
  self: number,
  dim: number,
  stride: number,
  meanCol: number,
  c0: number,
  c1: number,
  scale: number,
): void {
  const o = s * dim, j0 = tIndptr[s]!, edges = tIndptr[s + 1]! - j0;
  const count = edges + self;
  if (count === 0) {
    dh.fill(0, o + c0, o + c1);
    return;
  }
  for (let q = 0; q < count; q += 4) {
    const n = Math.min(4, count - q), first = q === 0, last = q + n === count;
    // Offsets and weights of contributions q .. q + n - 1; lastFour reads
    // an unused fourth as row 0 with weight 0.
    let g0 = 0, g1 = 0, g2 = 0, g3 = 0, w0 = 0, w1 = 0, w2 = 0, w3 = 0;
    for (let k = 0; k < n; k++) {
      let g: number, w: number;
      if (q + k < edges) {
        const d = tDst[j0 + q + k]!;
        w = 1 / (indptr[d + 1]! - indptr[d]!);
        g = d * stride + meanCol;
      } else {
        w = 1;
        g = s * stride;
      }
      if (k === 0) (g0 = g), (w0 = w);
      else if (k === 1) (g1 = g), (w1 = w);
      else if (k === 2) (g2 = g), (w2 = w);
      else (g3 = g), (w3 = w);
    }
    if (!last) {
      if (first) {
        for (let c = c0; c < c1; c++) {
          dh[o + c] = 0 +
            (grad[g0 + c]! * w0 + grad[g1 + c]! * w1 + grad[g2 + c]! * w2 + grad[g3 + c]! * w3);
        }
      } else {
        for (let c = c0; c < c1; c++) {
          dh[o + c]! += grad[g0 + c]! * w0 + grad[g1 + c]! * w1 + grad[g2 + c]! * w2 +
            grad[g3 + c]! * w3;
        }
      }
    } else if (first) {
      if (n === 1) lastOne(grad, dh, dhBits, yBits, sums, o, g0, w0, c0, c1, scale);
      else if (n === 2) lastTwo(grad, dh, dhBits, yBits, sums, o, g0, w0, g1, w1, c0, c1, scale);
      else {
        lastFour(grad, dh, dhBits, yBits, sums, o, g0, w0, g1, w1, g2, w2, g3, w3, c0, c1, scale);
      }
    } else {
      // After earlier groups: dh holds their sum.
      for (let c = c0; c < c1; c++) {
        const i = o + c, yb = yBits[i]!;
        let acc = dh[i]! + grad[g0 + c]! * w0;
        if (n > 1) acc += grad[g1 + c]! * w1;
        if (n > 2) acc += grad[g2 + c]! * w2;
        if (n > 3) acc += grad[g3 + c]! * w3;
        dh[i] = Math.fround(acc) * scale;
        const bits = dhBits[i]! & ((-yb & ~yb) >> 31), t = bits ^ -2147483648;
        dhBits[i] = bits & ((t | -t) >> 31);
        sums[c]! += dh[i]!;
      }
    }
  }
}

/** dh[o + c] = mask(fround(grad[g0 + c] w0) scale), as reluRow's last group of one. */
function lastOne(
  grad: Float32Array,
  dh: Float32Array,
  dhBits: Int32Array,
  yBits: Int32Array,
  sums: Float64Array,
  o: number,
  g0: number,
  w0: number,
  c0: number,
  c1: number,
  scale: number,
): void {
  for (let c = c0; c < c1; c++) {
    const i = o + c, yb = yBits[i]!;
    dh[i] = Math.fround(grad[g0 + c]! * w0) * scale;
    const bits = dhBits[i]! & ((-yb & ~yb) >> 31), t = bits ^ -2147483648;
    dhBits[i] = bits & ((t | -t) >> 31);
    sums[c]! += dh[i]!;
  }
}

/** As lastOne with two contributions. */
function lastTwo(
  grad: Float32Array,
  dh: Float32Array,
  dhBits: Int32Array,
  yBits: Int32Array,
  sums: Float64Array,
  o: number,
  g0: number,
  w0: number,
  g1: number,
  w1: number,
  c0: number,
  c1: number,
  scale: number,
): void {
  for (let c = c0; c < c1; c++) {
    const i = o + c, yb = yBits[i]!;
    dh[i] = Math.fround(grad[g0 + c]! * w0 + grad[g1 + c]! * w1) * scale;
    const bits = dhBits[i]! & ((-yb & ~yb) >> 31), t = bits ^ -2147483648;
    dhBits[i] = bits & ((t | -t) >> 31);
    sums[c]! += dh[i]!;
  }
}

/** As lastOne with three or four contributions (an unused fourth has weight 0). */
function lastFour(
  grad: Float32Array,
  dh: Float32Array,
  dhBits: Int32Array,
  yBits: Int32Array,
  sums: Float64Array,
  o: number,
  g0: number,
  w0: number,
  g1: number,
  w1: number,
  g2: number,
  w2: number,
  g3: number,
  w3: number,
  c0: number,
  c1: number,
  scale: number,
): void {
  for (let c = c0; c < c1; c++) {
    const i = o + c, yb = yBits[i]!;
    dh[i] = Math.fround(
      grad[g0 + c]! * w0 + grad[g1 + c]! * w1 + grad[g2 + c]! * w2 + grad[g3 + c]! * w3,
    ) * scale;
    const bits = dhBits[i]! & ((-yb & ~yb) >> 31), t = bits ^ -2147483648;
    dhBits[i] = bits & ((t | -t) >> 31);
    sums[c]! += dh[i]!;
  }
}
