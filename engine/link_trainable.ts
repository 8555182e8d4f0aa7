import { linkLossHead } from "./link_loss_head.ts";
import type { SageModel } from "./sage_model.ts";
import type { Trainable } from "./train_epoch.ts";

/**
 * GraphSAGE for link prediction as the epoch loop sees it: a
 * {@linkcode SageModel} (its `outDim` is the embedding width) with its
 * learning rate bound and the link loss (binary cross-entropy on the dot
 * products of pairs' embeddings) in place of node classification's. It
 * trains on minibatches of a `LinkMinibatchSource`, whose targets it reads;
 * `predict` gives embeddings, `numClasses` their width.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { linkTrainable } from "./link_trainable.ts";
 * import { SageModel } from "./sage_model.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const model = new SageModel(device, { inDim: 4, hidden: 8, outDim: 16, numLayers: 2 });
 * const trainable = linkTrainable(model, 0.01);
 * console.log(trainable.numClasses); // 16
 * model.destroy();
 * device.destroy();
 * ```
 */
export function linkTrainable(model: SageModel, lr: number): Trainable {
  return {
    numClasses: model.outDim,
    forwardBackward: (blocks, inputs, target, n) =>
      model.forwardBackward(blocks, inputs, target, n, linkLossHead),
    applyGradients: () => model.applyGradients({ lr }),
    trainStep: (blocks, inputs, target, n) =>
      model.trainStep(blocks, inputs, target, n, { lr }, linkLossHead),
    predict: (blocks, inputs) => model.predict(blocks, inputs),
  };
}
