import body from "../../shaders/bias_activation.wgsl" with { type: "text" };
import random from "../../shaders/_random.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";
import { dropoutKeeps, dropoutScale } from "./_dropout.ts";
import { pcg } from "./_random.ts";
import { wholeRows } from "./_whole_rows.ts";

/**
 * A dense layer's epilogue, in place over `y` (`rows x dim`): adds the bias
 * (`bias[bias_off ..]`), applies ReLU when `relu` is 1, then dropout at rate
 * `p` (0: none) with a mask drawn from a hash of `seed` and the element
 * index, identical on both backends and recomputed by `activation_backward`.
 * One invocation per element.
 *
 * @example
 * ```ts
 * import biasActivationKernel from "./bias_activation.ts";
 * const y = new Float32Array([-2, 1]);
 * biasActivationKernel.cpu({
 *   buffers: { y, bias: new Float32Array([1]) },
 *   uniforms: { rows: 2, dim: 1, bias_off: 0, relu: 1, p: 0, seed: 0 }, begin: 0, end: 2,
 * });
 * console.log(Array.from(y)); // [0, 2]
 * ```
 */
const biasActivationKernel = defineKernel({
  name: "bias_activation",
  module: import.meta.url,
  wgsl: random + body,
  workgroupSize: 256,
  bindings: [
    { name: "y", type: "f32", access: "read_write" },
    { name: "bias", type: "f32", access: "read" },
  ],
  uniforms: [
    { name: "rows", type: "u32" },
    { name: "dim", type: "u32" },
    { name: "bias_off", type: "u32" },
    { name: "relu", type: "u32" },
    { name: "p", type: "f32" },
    { name: "seed", type: "u32" },
  ],
  invocations: (u) => u.rows * u.dim,
  cpuParallel: true,
  cpuGrain: (u) => u.dim,
  wasm: ({ run, addresses: a, uniforms: u, begin, end }) => {
    const rows = wholeRows(begin, end, u.dim);
    if (!rows) return false;
    const p = Math.fround(u.p);
    run(
      a.y,
      a.bias + 4 * u.bias_off,
      u.dim,
      u.relu,
      Math.ceil(p * 65536),
      dropoutScale(p),
      pcg(u.seed),
      ...rows,
    );
    return true;
  },
  cpu: ({ buffers, uniforms: u, begin, end }) => {
    const y = buffers.y as Float32Array, bias = buffers.bias as Float32Array;
    const dim = u.dim, biasOff = u.bias_off, relu = u.relu === 1;
    const p = Math.fround(u.p), scale = dropoutScale(p), base = pcg(u.seed) | 0;
    const yBits = new Int32Array(y.buffer, y.byteOffset, y.length);
    const threshold = Math.ceil(p * 65536);
    // One call of a small function per row, not one long loop: a kernel
    // runs a few times per step, so a long loop would only ever run as
    // on-stack-replaced code, which a new seed or shape deoptimises for
    // the rest of the call (measured 3-5x slower). A function called for
    // every row is optimised after a few rows and recovers as quickly.
    let i = begin;
    while (i < end) {
      const row = Math.floor(i / dim) * dim;
      const stop = Math.min(end, row + dim);
      const b = biasOff + (i - row);
      if (p > 0) dropoutRow(y, yBits, bias, i, stop, b, base, threshold, scale, relu);
      else plainRow(y, yBits, bias, i, stop, b, relu);
      i = stop;
    }
  },
});
export default biasActivationKernel;

/**
 * `y[i] = dropout(relu(y[i] + bias[b]))` for `i` in `[i, stop)`, `b` following
 * `i`, as the WGSL rounds it: `fround(fround(y + bias) * scale)`, then
 * zeroed by an integer mask on its bits. Free of data-dependent branches
 * (the signs of real pre-activations and the dropout mask are random: a
 * branch on them, Math.max included, mispredicts half the time) and of
 * float products with a 0/1 mask (which V8's optimising tier compiled
 * 3-4x slower than integer masking, measured). Pairs of values `2k, 2k + 1`
 * share one hash (`dropoutPairs`); an odd first or last value of the range
 * goes through `dropoutOne`.
 */
function dropoutRow(
  y: Float32Array,
  yBits: Int32Array,
  bias: Float32Array,
  i: number,
  stop: number,
  b: number,
  base: number,
  threshold: number,
  scale: number,
  relu: boolean,
): void {
  if (i & 1) dropoutOne(y, yBits, bias, i++, b++, base, threshold, scale, relu);
  const pairsEnd = i + ((stop - i) & ~1);
  dropoutPairs(y, yBits, bias, i, pairsEnd, b, base, threshold, scale, relu);
  if (pairsEnd < stop) {
    dropoutOne(y, yBits, bias, pairsEnd, b + pairsEnd - i, base, threshold, scale, relu);
  }
}

/**
 * dropoutRow over `[i, stop)`, `i` even and `stop - i` even: r = pcg(base +
 * i / 2) (inlined) keeps value i when r >>> 16 >= threshold = ceil(p 2^16)
 * and value i + 1 when r & 0xffff does; `drop` is -1 when dropped. ReLU
 * keeps values whose sign bit is clear; without ReLU only -0 is cleared
 * (to 0, as before).
 */
function dropoutPairs(
  y: Float32Array,
  yBits: Int32Array,
  bias: Float32Array,
  i: number,
  stop: number,
  b: number,
  base: number,
  threshold: number,
  scale: number,
  relu: boolean,
): void {
  if (relu) {
    for (; i < stop; i += 2, b += 2) {
      y[i] = Math.fround(y[i]! + bias[b]!) * scale;
      y[i + 1] = Math.fround(y[i + 1]! + bias[b + 1]!) * scale;
      const state = (Math.imul((base + (i >> 1)) | 0, 747796405) - 1403630843) | 0;
      const word = Math.imul((state >>> ((state >>> 28) + 4)) ^ state, 277803737);
      const r = (word >>> 22) ^ word;
      const drop0 = ((r >>> 16) - threshold) >> 31, drop1 = ((r & 0xffff) - threshold) >> 31;
      const bits0 = yBits[i]!, bits1 = yBits[i + 1]!;
      yBits[i] = bits0 & ~drop0 & ~(bits0 >> 31);
      yBits[i + 1] = bits1 & ~drop1 & ~(bits1 >> 31);
    }
    return;
  }
  for (; i < stop; i += 2, b += 2) {
    y[i] = Math.fround(y[i]! + bias[b]!) * scale;
    y[i + 1] = Math.fround(y[i + 1]! + bias[b + 1]!) * scale;
    const state = (Math.imul((base + (i >> 1)) | 0, 747796405) - 1403630843) | 0;
    const word = Math.imul((state >>> ((state >>> 28) + 4)) ^ state, 277803737);
    const r = (word >>> 22) ^ word;
    const drop0 = ((r >>> 16) - threshold) >> 31, drop1 = ((r & 0xffff) - threshold) >> 31;
    const bits0 = yBits[i]!, t0 = bits0 ^ -2147483648;
    const bits1 = yBits[i + 1]!, t1 = bits1 ^ -2147483648;
    yBits[i] = bits0 & ~drop0 & ((t0 | -t0) >> 31);
    yBits[i + 1] = bits1 & ~drop1 & ((t1 | -t1) >> 31);
  }
}

/** dropoutRow for the single value `i`, its mask from `dropoutKeeps`. */
function dropoutOne(
  y: Float32Array,
  yBits: Int32Array,
  bias: Float32Array,
  i: number,
  b: number,
  base: number,
  threshold: number,
  scale: number,
  relu: boolean,
): void {
  y[i] = Math.fround(y[i]! + bias[b]!) * scale;
  const bits = yBits[i]!, t = bits ^ -2147483648;
  const kept = dropoutKeeps(base >>> 0, i, threshold / 65536);
  const keepSign = relu ? ~(bits >> 31) : (t | -t) >> 31;
  yBits[i] = kept ? bits & keepSign : 0;
}

/** `y[i] = relu(y[i] + bias[b])` (or without ReLU) for `i` in `[i, stop)`, branch-free. */
function plainRow(
  y: Float32Array,
  yBits: Int32Array,
  bias: Float32Array,
  i: number,
  stop: number,
  b: number,
  relu: boolean,
): void {
  if (!relu) {
    for (; i < stop; i++, b++) y[i] = y[i]! + bias[b]!;
    return;
  }
  for (; i < stop; i++, b++) {
    y[i] = y[i]! + bias[b]!;
    const bits = yBits[i]!;
    yBits[i] = bits & ~(bits >> 31);
  }
}
