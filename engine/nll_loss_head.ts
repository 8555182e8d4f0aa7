import logSoftmaxNllKernel from "./kernels/log_softmax_nll.ts";
import type { LossHead } from "./loss_head.ts";

/**
 * Node classification's loss (GLT's and PyG's
 * `nll_loss(log_softmax(out[:batch]), labels)`): `target` holds `count`
 * int32 labels, one per seed, and the loss is the mean over the first `count`
 * output rows; correct predictions are seeds whose arg-max is their label.
 * `SageModel` uses it unless told otherwise.
 *
 * @example
 * ```ts
 * import { nllLossHead } from "./nll_loss_head.ts";
 * console.log(nllLossHead.name); // "nll"
 * ```
 */
export const nllLossHead: LossHead = {
  name: "nll",
  record(device, { out, rows, dim, target, count, grad, loss }) {
    if (!Number.isInteger(count) || count < 1 || count > rows) {
      throw new RangeError(`SageModel: batch is ${count}, expected 1..${rows}`);
    }
    if (target.size < count * 4) {
      throw new RangeError(
        `SageModel: labels ("${target.label}") holds ${target.size} bytes, expected ${count} int32`,
      );
    }
    device.dispatch(logSoftmaxNllKernel, { logits: out, labels: target, grad, loss }, {
      rows,
      batch: count,
      classes: dim,
    });
  },
};
