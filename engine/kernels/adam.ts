import wgsl from "../../shaders/adam.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";

/**
 * One Adam step over a flat parameter vector, as PyTorch's `torch.optim.Adam`:
 * `g = grad + weight_decay * param`, moments `m1`, `m2` updated in place,
 * bias-corrected by the 1-based `step`. One invocation per parameter.
 *
 * @example
 * ```ts
 * import adamKernel from "./adam.ts";
 * const param = new Float32Array([1]);
 * adamKernel.cpu({
 *   buffers: { param, grad: new Float32Array([2]), m1: new Float32Array(1), m2: new Float32Array(1) },
 *   uniforms: { n: 1, lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0, step: 1 },
 *   begin: 0, end: 1,
 * });
 * console.log(param[0]!.toFixed(3)); // 0.900
 * ```
 */
const adamKernel = defineKernel({
  name: "adam",
  module: import.meta.url,
  wgsl,
  workgroupSize: 256,
  bindings: [
    { name: "param", type: "f32", access: "read_write" },
    { name: "grad", type: "f32", access: "read" },
    { name: "m1", type: "f32", access: "read_write" },
    { name: "m2", type: "f32", access: "read_write" },
  ],
  uniforms: [
    { name: "n", type: "u32" },
    { name: "lr", type: "f32" },
    { name: "beta1", type: "f32" },
    { name: "beta2", type: "f32" },
    { name: "eps", type: "f32" },
    { name: "weight_decay", type: "f32" },
    { name: "step", type: "u32" },
  ],
  invocations: (u) => u.n,
  cpuParallel: true,
  cpu: ({ buffers, uniforms: u, begin, end }) => {
    const param = buffers.param as Float32Array, grad = buffers.grad as Float32Array;
    const m1 = buffers.m1 as Float32Array, m2 = buffers.m2 as Float32Array;
    const b1 = Math.fround(u.beta1), b2 = Math.fround(u.beta2);
    const stepSize = Math.fround(u.lr) / (1 - b1 ** u.step);
    const bc2 = 1 - b2 ** u.step;
    const eps = Math.fround(u.eps), wd = Math.fround(u.weight_decay);
    for (let i = begin; i < end; i++) {
      const g = grad[i]! + wd * param[i]!;
      const m = (m1[i] = b1 * m1[i]! + (1 - b1) * g);
      const v = (m2[i] = b2 * m2[i]! + (1 - b2) * g * g);
      param[i] = param[i]! - stepSize * m / (Math.sqrt(v / bc2) + eps);
    }
  },
});
export default adamKernel;
