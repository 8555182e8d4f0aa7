import wgsl from "../../shaders/log_softmax_nll.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";

/**
 * `nll_loss(log_softmax(logits[:batch]), labels)` with its gradient:
 * `loss[0]` is the mean loss over the first `batch` of `rows` rows,
 * `loss[1]` how many of them have their label as argmax, and `grad`
 * (`rows x classes`) the gradient of `loss[0]` (zeros past `batch` and for
 * labels outside `[0, classes)`, which count as misses with no loss). The
 * loss stays on the device. One workgroup.
 *
 * @example
 * ```ts
 * import logSoftmaxNllKernel from "./log_softmax_nll.ts";
 * const grad = new Float32Array(2), loss = new Float32Array(2);
 * logSoftmaxNllKernel.cpu({
 *   buffers: { logits: new Float32Array([0, 0]), labels: new Int32Array([1]), grad, loss },
 *   uniforms: { rows: 1, batch: 1, classes: 2 }, begin: 0, end: 256,
 * });
 * console.log(loss[0]!.toFixed(4), Array.from(grad)); // 0.6931 [0.5, -0.5]
 * ```
 */
const logSoftmaxNllKernel = defineKernel({
  name: "log_softmax_nll",
  wgsl,
  customEntry: true,
  workgroupSize: 256,
  bindings: [
    { name: "logits", type: "f32", access: "read" },
    { name: "labels", type: "i32", access: "read" },
    { name: "grad", type: "f32", access: "read_write" },
    { name: "loss", type: "f32", access: "read_write" },
  ],
  uniforms: [
    { name: "rows", type: "u32" },
    { name: "batch", type: "u32" },
    { name: "classes", type: "u32" },
  ],
  invocations: () => 256,
  cpu: ({ buffers, uniforms: { rows, batch, classes }, begin }) => {
    if (begin > 0) return;
    const logits = buffers.logits as Float32Array, grad = buffers.grad as Float32Array;
    const { labels, loss } = buffers;
    const invBatch = 1 / Math.max(batch, 1);
    let total = 0, hits = 0;
    for (let r = 0; r < rows; r++) {
      const base = r * classes;
      const label = r < batch ? labels[r]! : -1;
      if (label < 0 || label >= classes) {
        grad.fill(0, base, base + classes);
        continue;
      }
      let best = logits[base]!, arg = 0;
      for (let c = 1; c < classes; c++) {
        if (logits[base + c]! > best) {
          best = logits[base + c]!;
          arg = c;
        }
      }
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += Math.exp(logits[base + c]! - best);
      const lse = best + Math.log(sum);
      total += lse - logits[base + label]!;
      if (arg === label) hits++;
      for (let c = 0; c < classes; c++) {
        grad[base + c] = (Math.exp(logits[base + c]! - lse) - (c === label ? 1 : 0)) * invBatch;
      }
    }
    loss[0] = total * invBatch;
    loss[1] = hits;
  },
});
export default logSoftmaxNllKernel;
