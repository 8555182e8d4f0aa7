import { lastLayerOutputs } from "./_model_outputs.ts";
import type { NodeDataset } from "./dataset.ts";
import type { PredictOptions } from "./predict_options.ts";
import { describeShape } from "./sage_state_dict.ts";
import type { TrainedModel } from "./trained_model.ts";

/**
 * What {@linkcode embed} returns: one embedding row per node.
 *
 * @example
 * ```ts
 * import type { Embeddings } from "./embed.ts";
 * const row = (e: Embeddings, i: number) => e.embeddings.subarray(i * e.dim, (i + 1) * e.dim);
 * ```
 */
export interface Embeddings {
  /** The nodes embedded, in order. */
  readonly nodes: Int32Array;
  /** The model's last-layer output, `nodes.length x dim`, row-major. */
  readonly embeddings: Float32Array;
  /** Width of an embedding: the model's output channels. */
  readonly dim: number;
}

/**
 * The node embeddings of a model trained for link prediction (its last
 * layer's output, whose dot products score links), for every node of
 * `dataset` or `options.nodes`, by layer-wise or sampled inference as
 * `predict` runs. The model's input width must be the dataset's feature
 * width, else a `RangeError` names both; its output need not match any
 * class count.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { embed } from "./embed.ts";
 * import { nodeDataset } from "./node_dataset.ts";
 * import { SageModel } from "./sage_model.ts";
 * import { trainedModelOf } from "./trained_model.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const model = new SageModel(device, { inDim: 2, hidden: 4, outDim: 3, numLayers: 1 });
 * const dataset = nodeDataset({ edges: [[0, 1]], features: [[1, 0], [0, 1]] });
 * const e = await embed(await trainedModelOf(device, model), dataset, { device });
 * console.log(e.dim, e.embeddings.length); // 3 6
 * model.destroy();
 * device.destroy();
 * ```
 */
export async function embed(
  trained: TrainedModel,
  dataset: NodeDataset,
  options: PredictOptions = {},
): Promise<Embeddings> {
  if (trained.shape.inDim !== dataset.featureDim) {
    throw new RangeError(
      `the model (${describeShape(trained.shape)}) takes ${trained.shape.inDim} features per ` +
        `node, but ${dataset.name} has ${dataset.featureDim}`,
    );
  }
  const { nodes, outputs } = await lastLayerOutputs(trained, dataset, options);
  return { nodes, embeddings: outputs, dim: trained.shape.outDim };
}
