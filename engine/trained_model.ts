import type { NodeDataset } from "./dataset.ts";
import type { Device } from "./device.ts";
import type { SafeTensor } from "./safetensors.ts";
import { loadSafetensors, saveSafetensors } from "./safetensors_file.ts";
import { SageModel } from "./sage_model.ts";
import { sageModelMetadata } from "./sage_model_file.ts";
import {
  describeShape,
  loadSageStateDict,
  type SageShape,
  sageStateDict,
  shapeOfTensors,
} from "./sage_state_dict.ts";

/**
 * A trained GraphSAGE held on the host, on no device: its shape, its tensors
 * under PyG's `GraphSAGE` `state_dict()` names, and metadata strings (dataset,
 * fan-out, epoch...). What `train` returns, `predict` takes, and
 * {@linkcode saveModel} / {@linkcode loadModel} write and read.
 *
 * @example
 * ```ts
 * import type { TrainedModel } from "./trained_model.ts";
 * const classes = (m: TrainedModel) => m.shape.outDim;
 * ```
 */
export interface TrainedModel {
  /** `GraphSAGE(inDim, hidden, numLayers, outDim)`. */
  readonly shape: SageShape;
  /** `convs.{i}.lin_l.weight`, `convs.{i}.lin_l.bias`, `convs.{i}.lin_r.weight`, float32. */
  readonly tensors: ReadonlyMap<string, SafeTensor>;
  /** Strings kept beside the tensors: where the model comes from and how it was trained. */
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Writes a trained model as safetensors (atomically), in the layout
 * `saveSageModel` writes: PyTorch loads it into PyG's `GraphSAGE`.
 *
 * @example
 * ```ts ignore
 * import { saveModel } from "./trained_model.ts";
 * await saveModel("sage.safetensors", model);
 * ```
 */
export async function saveModel(path: string, model: TrainedModel): Promise<void> {
  await saveSafetensors(path, model.tensors, sageModelMetadata(model.shape, model.metadata));
}

/**
 * Reads a model that {@linkcode saveModel} or `deno task train --save_model`
 * wrote (or any file of PyG `GraphSAGE` tensors). A file that is not
 * safetensors or holds no complete GraphSAGE is an error naming it.
 *
 * @example
 * ```ts ignore
 * import { loadModel } from "./trained_model.ts";
 * const model = await loadModel("sage.safetensors");
 * console.log(model.shape.outDim);
 * ```
 */
export async function loadModel(path: string): Promise<TrainedModel> {
  const { tensors, metadata } = await loadSafetensors(path);
  const found = shapeOfTensors(tensors);
  if (found.numLayers === 0) {
    throw new RangeError(`${path} holds no GraphSAGE layers (no convs.0.lin_l.weight)`);
  }
  const hidden = found.numLayers > 1 ? found.hidden : Number(metadata.hidden_channels ?? 1) || 1;
  return { shape: { ...found, hidden }, tensors, metadata };
}

/**
 * Reads a model's parameters off its device into a {@linkcode TrainedModel}.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { SageModel } from "./sage_model.ts";
 * import { trainedModelOf } from "./trained_model.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const model = new SageModel(device, { inDim: 3, hidden: 4, outDim: 2, numLayers: 2 });
 * const trained = await trainedModelOf(device, model, { dataset: "toy" });
 * console.log(trained.tensors.size); // 6
 * model.destroy();
 * device.destroy();
 * ```
 */
export async function trainedModelOf(
  device: Device,
  model: SageModel,
  metadata: Readonly<Record<string, string>> = {},
): Promise<TrainedModel> {
  const shape = {
    inDim: model.inDim,
    hidden: model.hidden,
    numLayers: model.numLayers,
    outDim: model.outDim,
  };
  return { shape, tensors: await sageStateDict(device, model), metadata };
}

/**
 * Builds a {@linkcode SageModel} on `device` holding a trained model's
 * parameters; the caller destroys it.
 *
 * @example
 * ```ts ignore
 * import { modelOnDevice } from "./trained_model.ts";
 * const sage = modelOnDevice(device, await loadModel("sage.safetensors"));
 * ```
 */
export function modelOnDevice(
  device: Device,
  trained: TrainedModel,
  source = "the trained model",
): SageModel {
  const model = new SageModel(device, { ...trained.shape, dropout: 0 });
  try {
    loadSageStateDict(device, model, trained.tensors, source);
  } catch (err) {
    model.destroy();
    throw err;
  }
  return model;
}

/**
 * Refuses a model that cannot predict on a dataset: its input width must be
 * the dataset's feature width, and the dataset's labels must be among its
 * classes. The `RangeError` names the model, the dataset and both figures.
 *
 * @example
 * ```ts
 * import { checkModelFits } from "./trained_model.ts";
 * const shape = { inDim: 100, hidden: 256, numLayers: 3, outDim: 47 };
 * try {
 *   checkModelFits(shape, { name: "mine", featureDim: 50, numClasses: 47 }, "sage.safetensors");
 * } catch (err) {
 *   console.log((err as Error).message); // ... takes 100 features per node, but mine has 50
 * }
 * ```
 */
export function checkModelFits(
  shape: SageShape,
  dataset: Pick<NodeDataset, "name" | "featureDim" | "numClasses">,
  modelName = "the model",
): void {
  const model = `${modelName} (${describeShape(shape)})`;
  if (shape.inDim !== dataset.featureDim) {
    throw new RangeError(
      `${model} takes ${shape.inDim} features per node, but ${dataset.name} has ${dataset.featureDim}`,
    );
  }
  if (dataset.numClasses > shape.outDim) {
    throw new RangeError(
      `${model} predicts ${shape.outDim} classes, but ${dataset.name} has ${dataset.numClasses} ` +
        `(labels up to ${dataset.numClasses - 1})`,
    );
  }
}
