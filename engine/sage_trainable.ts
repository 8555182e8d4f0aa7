import type { SageModel } from "./sage_model.ts";
import type { Trainable } from "./train_epoch.ts";

/**
 * GraphSAGE as the epoch loop sees it: a {@linkcode SageModel} with its
 * learning rate bound, so that `trainEpoch` and `evaluate` can drive it.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { SageModel } from "./sage_model.ts";
 * import { sageTrainable } from "./sage_trainable.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const model = new SageModel(device, { inDim: 4, hidden: 8, outDim: 3, numLayers: 2 });
 * const trainable = sageTrainable(model, 0.003);
 * console.log(trainable.numClasses); // 3
 * model.destroy();
 * device.destroy();
 * ```
 */
export function sageTrainable(model: SageModel, lr: number): Trainable {
  return {
    numClasses: model.outDim,
    forwardBackward: (blocks, inputs, labels, n) =>
      model.forwardBackward(blocks, inputs, labels, n),
    applyGradients: () => model.applyGradients({ lr }),
    trainStep: (blocks, inputs, labels, n) => model.trainStep(blocks, inputs, labels, n, { lr }),
    predict: (blocks, inputs) => model.predict(blocks, inputs),
  };
}
