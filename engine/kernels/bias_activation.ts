import body from "../../shaders/bias_activation.wgsl" with { type: "text" };
import random from "../../shaders/_random.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";
import { dropoutScale } from "./_dropout.ts";
import { pcg } from "./_random.ts";

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
  cpu: ({ buffers, uniforms: u, begin, end }) => {
    const y = buffers.y as Float32Array, bias = buffers.bias as Float32Array;
    const dim = u.dim, biasOff = u.bias_off, relu = u.relu === 1;
    const p = Math.fround(u.p), scale = dropoutScale(p), base = pcg(u.seed);
    // keep(i) is (pcg(base + i) >> 8) / 2^24 >= p, i.e. (pcg(base + i) >> 8)
    // >= ceil(p 2^24). Branch-free (the mask is random, so branches would
    // mispredict half the time), pcg inlined; `+ 0` turns -0 into 0.
    const threshold = Math.ceil(p * 16777216);
    let i = begin;
    while (i < end) {
      const row = Math.floor(i / dim) * dim;
      const stop = Math.min(end, row + dim);
      let b = biasOff + (i - row);
      if (p > 0) {
        for (; i < stop; i++, b++) {
          const x = y[i]! + bias[b]!;
          const state = (Math.imul((base + i) | 0, 747796405) - 1403630843) | 0;
          const word = Math.imul((state >>> ((state >>> 28) + 4)) ^ state, 277803737);
          const dropped = ((((word >>> 22) ^ word) >>> 8) - threshold) >>> 31;
          y[i] = (relu ? Math.max(x, 0) : x) * (scale - scale * dropped) + 0;
        }
      } else {
        for (; i < stop; i++, b++) {
          const x = y[i]! + bias[b]!;
          y[i] = relu ? Math.max(x, 0) : x;
        }
      }
    }
  },
});
export default biasActivationKernel;
