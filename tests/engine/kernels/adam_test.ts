import adamKernel from "../../../engine/kernels/adam.ts";
import { randomFloats, withDevices } from "../../_devices.ts";
import { assertClose } from "../_blocks.ts";
import { runKernel } from "../_run_kernel.ts";

/** float64 torch.optim.Adam, `steps` steps with the same gradient sequence. */
function adam64(
  param: Float32Array,
  grads: Float32Array[],
  o: { lr: number; beta1: number; beta2: number; eps: number; weight_decay: number },
) {
  const p = Float64Array.from(param),
    m = new Float64Array(p.length),
    v = new Float64Array(p.length);
  grads.forEach((grad, s) => {
    const t = s + 1;
    for (let i = 0; i < p.length; i++) {
      const g = grad[i]! + o.weight_decay * p[i]!;
      m[i] = o.beta1 * m[i]! + (1 - o.beta1) * g;
      v[i] = o.beta2 * v[i]! + (1 - o.beta2) * g * g;
      // torch.optim.Adam: eps after the corrected square root of v.
      const denom = Math.sqrt(v[i]!) / Math.sqrt(1 - o.beta2 ** t) + o.eps;
      p[i] = p[i]! - o.lr / (1 - o.beta1 ** t) * m[i]! / denom;
    }
  });
  return p;
}

Deno.test("adam matches float64 torch-style Adam with weight decay over several steps on both backends", async () => {
  await withDevices(async (cpu, gpu) => {
    const n = 3001;
    const o = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 5e-4 };
    const param0 = randomFloats(n, 1);
    const grads = [2, 3, 4].map((s) => randomFloats(n, s));
    const want = adam64(param0, grads, o);
    for (const device of gpu ? [cpu, gpu] : [cpu]) {
      let state: Record<"param" | "m1" | "m2", Float32Array> = {
        param: param0,
        m1: new Float32Array(n),
        m2: new Float32Array(n),
      };
      for (const [s, grad] of grads.entries()) {
        const t = s + 1;
        const out = await runKernel(device, adamKernel, { ...state, grad }, {
          n,
          step_size: o.lr / (1 - o.beta1 ** t),
          beta1: o.beta1,
          one_minus_beta1: 1 - o.beta1,
          beta2: o.beta2,
          one_minus_beta2: 1 - o.beta2,
          eps: o.eps,
          weight_decay: o.weight_decay,
          bias_correction2_sqrt: Math.sqrt(1 - o.beta2 ** t),
        });
        state = {
          param: out.param as Float32Array,
          m1: out.m1 as Float32Array,
          m2: out.m2 as Float32Array,
        };
      }
      assertClose(state.param, want, `${device.kind} parameters`, 1e-5, 1e-5);
    }
  });
});
