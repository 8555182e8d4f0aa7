import wgsl from "../../shaders/adam.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";

/**
 * One Adam step over a flat parameter vector, written as `torch.optim.Adam`
 * writes it (its single-tensor path, no amsgrad): `g = grad + weight_decay *
 * param`, `m1 = beta1 m1 + (1 - beta1) g`, `m2 = beta2 m2 + (1 - beta2) g^2`,
 * then `param -= step_size * m1 / (sqrt(m2) / bias_correction2_sqrt + eps)`:
 * eps is added after the bias correction of the second moment. As in
 * PyTorch, the host computes `1 - beta`, `step_size = lr / (1 -
 * beta1^step)` and `bias_correction2_sqrt = sqrt(1 - beta2^step)` in double
 * precision and the per-element arithmetic runs in float32. One invocation
 * per parameter.
 *
 * @example
 * ```ts
 * import adamKernel from "./adam.ts";
 * const param = new Float32Array([1]);
 * adamKernel.cpu({
 *   buffers: { param, grad: new Float32Array([2]), m1: new Float32Array(1), m2: new Float32Array(1) },
 *   uniforms: {
 *     n: 1, step_size: 0.1 / (1 - 0.9), beta1: 0.9, one_minus_beta1: 1 - 0.9, beta2: 0.999,
 *     one_minus_beta2: 1 - 0.999, eps: 1e-8, weight_decay: 0,
 *     bias_correction2_sqrt: Math.sqrt(1 - 0.999),
 *   },
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
    { name: "step_size", type: "f32" },
    { name: "beta1", type: "f32" },
    { name: "one_minus_beta1", type: "f32" },
    { name: "beta2", type: "f32" },
    { name: "one_minus_beta2", type: "f32" },
    { name: "eps", type: "f32" },
    { name: "weight_decay", type: "f32" },
    { name: "bias_correction2_sqrt", type: "f32" },
  ],
  invocations: (u) => u.n,
  cpuParallel: true,
  cpu: ({ buffers, uniforms: u, begin, end }) => {
    const param = buffers.param as Float32Array, grad = buffers.grad as Float32Array;
    const m1 = buffers.m1 as Float32Array, m2 = buffers.m2 as Float32Array;
    // The scalars as the float32 uniforms the WGSL sees; each operation
    // rounded to float32 as PyTorch's float32 tensors round it.
    const f = Math.fround;
    const b1 = f(u.beta1), b2 = f(u.beta2), a1 = f(u.one_minus_beta1), a2 = f(u.one_minus_beta2);
    const stepSize = f(u.step_size), bc2 = f(u.bias_correction2_sqrt);
    const eps = f(u.eps), wd = f(u.weight_decay);
    for (let i = begin; i < end; i++) {
      const g = wd === 0 ? grad[i]! : f(grad[i]! + f(wd * param[i]!));
      const m = (m1[i] = f(f(b1 * m1[i]!) + f(a1 * g)));
      const v = (m2[i] = f(f(b2 * m2[i]!) + f(f(a2 * g) * g)));
      const denom = f(f(f(Math.sqrt(v)) / bc2) + eps);
      param[i] = f(param[i]! - f(f(stepSize * m) / denom));
    }
  },
});
export default adamKernel;
