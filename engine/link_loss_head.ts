import linkBceKernel from "./kernels/link_bce.ts";
import linkBceBackwardKernel from "./kernels/link_bce_backward.ts";
import { linkTargetLength } from "./link_target.ts";
import type { LossHead } from "./loss_head.ts";

/**
 * Link prediction's loss (GLT's `dist_link_pred`): binary cross-entropy with
 * logits on the dot product of the two endpoints' output rows (the last layer's
 * embeddings, no softmax), the mean over `count` pairs. `target` is a link
 * target of `count` pairs whose rows are the output rows (see
 * `linkTarget`); correct predictions are pairs whose score has the label's
 * sign. The gradient into the output rows is a gather per row, no atomics.
 *
 * @example
 * ```ts
 * import { linkLossHead } from "./link_loss_head.ts";
 * console.log(linkLossHead.name); // "link"
 * ```
 */
export const linkLossHead: LossHead = {
  name: "link",
  record(device, { out, rows, dim, target, count, grad, loss, temp }) {
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError(`SageModel: ${count} link pairs, expected at least 1`);
    }
    const want = linkTargetLength(count, rows);
    if (target.size < want * 4) {
      throw new RangeError(
        `SageModel: link target ("${target.label}") holds ${target.size} bytes, ` +
          `expected ${want} int32 for ${count} pairs over ${rows} rows`,
      );
    }
    const pairGrad = temp(count * 4, "link pair gradients");
    device.dispatch(linkBceKernel, { emb: out, link: target, pair_grad: pairGrad, loss }, {
      num_pairs: count,
      dim,
    });
    device.dispatch(linkBceBackwardKernel, { emb: out, link: target, pair_grad: pairGrad, grad }, {
      num_pairs: count,
      rows,
      dim,
    });
  },
};
