import type { Device } from "./device.ts";
import { SageModel } from "./sage_model.ts";
import type { SageModelOptions } from "./sage_model_options.ts";
import {
  loadSageStateDict,
  type SageShape,
  sageStateDict,
  shapeOfTensors,
} from "./sage_state_dict.ts";
import { loadSafetensors, saveSafetensors } from "./safetensors_file.ts";

/**
 * Saves a model as a safetensors file that PyTorch loads into PyG's
 * `GraphSAGE(in_channels, hidden_channels, num_layers, out_channels)` with
 * `load_state_dict(safetensors.torch.load_file(path))` (tensor names and
 * shapes of {@linkcode sageStateDict}). The metadata records the model's
 * shape (`in_channels`, `hidden_channels`, `num_layers`, `out_channels`,
 * `aggr`, `format: pt`) beside the caller's own strings (fan-out, dataset,
 * epoch...). The file is replaced atomically.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { SageModel } from "./sage_model.ts";
 * import { loadSageModel, saveSageModel } from "./sage_model_file.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const model = new SageModel(device, { inDim: 3, hidden: 4, outDim: 2, numLayers: 2 });
 * const path = `${await Deno.makeTempDir()}/sage.safetensors`;
 * await saveSageModel(path, device, model, { dataset: "toy" });
 * const loaded = await loadSageModel(device, path);
 * console.log(loaded.model.hidden, loaded.metadata.dataset); // 4 toy
 * for (const m of [model, loaded.model]) m.destroy();
 * device.destroy();
 * ```
 */
export async function saveSageModel(
  path: string,
  device: Device,
  model: SageModel,
  metadata: Readonly<Record<string, string>> = {},
): Promise<void> {
  await saveSafetensors(
    path,
    await sageStateDict(device, model),
    sageModelMetadata(model, metadata),
  );
}

/**
 * The metadata of a saved model: the caller's strings, then the model's
 * shape as PyG's `GraphSAGE` takes it (`in_channels`, `hidden_channels`,
 * `num_layers`, `out_channels`, `aggr`) and `format: pt`.
 *
 * @example
 * ```ts
 * import { sageModelMetadata } from "./sage_model_file.ts";
 * const meta = sageModelMetadata({ inDim: 100, hidden: 256, numLayers: 3, outDim: 47 }, {});
 * console.log(meta.out_channels); // 47
 * ```
 */
export function sageModelMetadata(
  shape: SageShape,
  metadata: Readonly<Record<string, string>>,
): Record<string, string> {
  return {
    ...metadata,
    format: "pt",
    model: "torch_geometric.nn.GraphSAGE",
    aggr: "mean",
    in_channels: String(shape.inDim),
    hidden_channels: String(shape.hidden),
    num_layers: String(shape.numLayers),
    out_channels: String(shape.outDim),
  };
}

/**
 * Builds a model from a file {@linkcode saveSageModel} wrote (or any
 * safetensors file of PyG GraphSAGE tensors): its shape is read from the
 * tensors, `hidden_channels` from the metadata when it has one layer. Returns
 * the model, on `device`, and the file's metadata. `options` sets what the
 * file does not hold (dropout, the seed of dropout masks).
 *
 * @example
 * ```ts ignore
 * import { loadSageModel } from "./sage_model_file.ts";
 * const { model, metadata } = await loadSageModel(device, "sage.safetensors");
 * ```
 */
export async function loadSageModel(
  device: Device,
  path: string,
  options: Pick<SageModelOptions, "dropout" | "seed"> = {},
): Promise<{ model: SageModel; metadata: Record<string, string> }> {
  const { tensors, metadata } = await loadSafetensors(path);
  const shape = shapeOfTensors(tensors);
  if (shape.numLayers === 0) {
    throw new RangeError(`${path} holds no GraphSAGE layers (no convs.0.lin_l.weight)`);
  }
  const hidden = shape.numLayers > 1 ? shape.hidden : Number(metadata.hidden_channels ?? 1) || 1;
  const model = new SageModel(device, { ...options, ...shape, hidden });
  try {
    loadSageStateDict(device, model, tensors, path);
  } catch (err) {
    model.destroy();
    throw err;
  }
  return { model, metadata };
}

/**
 * Loads a file's parameters into an existing model (`--init_model`): the
 * file must hold exactly this model's tensors, else a `RangeError` names the
 * file, the first tensor that differs and both models.
 *
 * @example
 * ```ts ignore
 * import { initSageModel } from "./sage_model_file.ts";
 * const metadata = await initSageModel(device, model, "pretrained.safetensors");
 * ```
 */
export async function initSageModel(
  device: Device,
  model: SageModel,
  path: string,
): Promise<Record<string, string>> {
  const { tensors, metadata } = await loadSafetensors(path);
  loadSageStateDict(device, model, tensors, path);
  return metadata;
}
