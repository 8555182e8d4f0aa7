import { countCorrect } from "./_util.ts";
import { createDevice, type DeviceChoice } from "./create_device.ts";
import type { NodeDataset } from "./dataset.ts";
import type { Device } from "./device.ts";
import { DeviceGraph } from "./device_graph.ts";
import { DeviceTable } from "./device_table.ts";
import { DeviceEdgeWeights } from "./edge_weights.ts";
import type { Accuracy } from "./evaluate.ts";
import { layerwiseLogits } from "./layerwise_inference.ts";
import { LocalFeatureStore } from "./local_feature_store.ts";
import { LocalMinibatchSource } from "./local_minibatch_source.ts";
import { LocalSampler } from "./local_sampler.ts";
import type { SageModel } from "./sage_model.ts";
import { sampledLogits } from "./sampled_logits.ts";
import { checkModelFits, modelOnDevice, type TrainedModel } from "./trained_model.ts";

/**
 * How {@linkcode predict} runs.
 *
 * @example
 * ```ts
 * import type { PredictOptions } from "./predict.ts";
 * const few: PredictOptions = { nodes: [3, 1, 4], inference: "sampled", fanout: [10, 10] };
 * ```
 */
export interface PredictOptions {
  /** The nodes to predict, in this order (default: every node of the graph). */
  readonly nodes?: ArrayLike<number>;
  /**
   * `layerwise` (default; DGL's): every layer once over all nodes with full
   * neighbourhoods, deterministic; the feature table must fit one device
   * binding. `sampled` (GLT's): each node's sampled neighbourhood, cheaper
   * for a few nodes of a large graph.
   */
  readonly inference?: "layerwise" | "sampled";
  /** Neighbours per hop for `sampled` (default: the model's training fan-out, else 10 per layer). */
  readonly fanout?: readonly number[];
  /**
   * `sampled` only: draw neighbours by the dataset's `edgeWeights`, as a model
   * trained with `edgeWeight` (`--edge_weight`) was (a `RangeError` when it has none).
   */
  readonly edgeWeight?: boolean;
  /** Nodes per minibatch for `sampled` (default 2048). */
  readonly batchSize?: number;
  /** Seed of the sampling (default 0). */
  readonly seed?: number;
  /** A device to run on (left open), or which kind to open and close (default `auto`). */
  readonly device?: Device | DeviceChoice;
  /** Hears how many nodes are done (sampled inference) or layers (layer-wise). */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * What {@linkcode predict} returns.
 *
 * @example
 * ```ts
 * import type { Predictions } from "./predict.ts";
 * const first = (p: Predictions) => `node ${p.nodes[0]}: class ${p.classes[0]}`;
 * ```
 */
export interface Predictions {
  /** The nodes predicted, in order. */
  readonly nodes: Int32Array;
  /** The most likely class of each node. */
  readonly classes: Int32Array;
  /** Softmax of the logits, `nodes.length x numClasses`, row-major. */
  readonly probabilities: Float32Array;
  /** Classes of the model: the width of a probability row. */
  readonly numClasses: number;
  /** Right predictions among the predicted nodes that are in the dataset's test split. */
  readonly test: Accuracy;
}

/**
 * Predicts the class of every node of `dataset` (or of `options.nodes`) with
 * a trained model: GraphSAGE is inductive, so the graph need not be the one
 * it was trained on, only its feature width must match (and its labels be
 * among the model's classes), else a `RangeError` names both. Reports the
 * accuracy on the test nodes among those predicted.
 *
 * @example
 * ```ts ignore
 * import { loadModel } from "./trained_model.ts";
 * import { predict } from "./predict.ts";
 * const p = await predict(await loadModel("sage.safetensors"), dataset, { nodes: [0, 5] });
 * console.log(p.classes, p.test);
 * ```
 */
export async function predict(
  trained: TrainedModel,
  dataset: NodeDataset,
  options: PredictOptions = {},
): Promise<Predictions> {
  checkModelFits(trained.shape, dataset);
  if (options.edgeWeight && options.inference !== "sampled") {
    throw new RangeError("edgeWeight applies to sampled inference (layer-wise reads every edge)");
  }
  const n = dataset.graph.numNodes;
  const listed = options.nodes ?? [];
  for (let i = 0; i < listed.length; i++) {
    const v = listed[i]!;
    if (!(Number.isInteger(v) && v >= 0 && v < n)) {
      throw new RangeError(`nodes[${i}] is ${v}, expected a node id in 0..${n - 1}`);
    }
  }
  const nodes = options.nodes === undefined
    ? Int32Array.from({ length: n }, (_, i) => i)
    : Int32Array.from(listed);
  const given = options.device;
  const device = given === undefined || typeof given === "string"
    ? await createDevice(given ?? "auto", { notice: () => {} })
    : given;
  const model = modelOnDevice(device, trained);
  try {
    const logits = options.inference === "sampled"
      ? await sampled(device, model, dataset, nodes, trained, options)
      : await layerwise(device, model, dataset, nodes, options);
    return summarise(nodes, logits, trained.shape.outDim, dataset);
  } finally {
    model.destroy();
    if (device !== given) device.destroy();
  }
}

async function layerwise(
  device: Device,
  model: SageModel,
  dataset: NodeDataset,
  nodes: Int32Array,
  options: PredictOptions,
): Promise<Float32Array> {
  const n = dataset.graph.numNodes;
  const widest = n * Math.max(dataset.featureDim, model.hidden) * 4;
  if (widest > device.maxBindingBytes) {
    throw new RangeError(
      `layer-wise inference needs every layer's input (${widest} bytes) in one binding of ` +
        `${device.description}, which holds ${device.maxBindingBytes}; use sampled inference`,
    );
  }
  const inputs = device.createBuffer(Math.max(4, dataset.features.byteLength), "features");
  try {
    device.write(inputs, dataset.features);
    options.onProgress?.(0, model.numLayers);
    const all = await layerwiseLogits(device, model, dataset.graph, inputs);
    options.onProgress?.(model.numLayers, model.numLayers);
    if (nodes.length === n && nodes.every((v, i) => v === i)) return all;
    const c = model.outDim, out = new Float32Array(nodes.length * c);
    nodes.forEach((v, i) => out.set(all.subarray(v * c, (v + 1) * c), i * c));
    return out;
  } finally {
    device.release(inputs);
  }
}

async function sampled(
  device: Device,
  model: SageModel,
  dataset: NodeDataset,
  nodes: Int32Array,
  trained: TrainedModel,
  options: PredictOptions,
): Promise<Float32Array> {
  const trainedFanout = (trained.metadata.fanout ?? "").split(",").filter((s) => s !== "")
    .map(Number);
  const fanout = options.fanout ??
    (trainedFanout.length === model.numLayers ? trainedFanout : Array(model.numLayers).fill(10));
  if (fanout.length !== model.numLayers) {
    throw new RangeError(
      `fanout has ${fanout.length} hops but the model has ${model.numLayers} layers`,
    );
  }
  if (options.edgeWeight && !dataset.edgeWeights) {
    throw new RangeError(`edgeWeight asks for ${dataset.name}'s edgeWeights, and it has none`);
  }
  const graph = DeviceGraph.upload(device, dataset.graph);
  const table = DeviceTable.upload(device, dataset.features, dataset.featureDim, "features");
  const weights = options.edgeWeight
    ? DeviceEdgeWeights.upload(device, dataset.graph, dataset.edgeWeights!)
    : undefined;
  try {
    const source = new LocalMinibatchSource(
      device,
      new LocalSampler(device, graph, fanout, weights),
      new LocalFeatureStore(device, table),
    );
    const predictor = {
      numClasses: model.outDim,
      predict: model.predict.bind(model),
    };
    return await sampledLogits(
      device,
      predictor,
      source,
      nodes,
      options.batchSize ?? 2048,
      options.seed ?? 0,
      (done) => options.onProgress?.(done, nodes.length),
    );
  } finally {
    graph.release();
    table.release();
    weights?.release();
  }
}

/** Classes, probabilities and test accuracy from the logits of `nodes`. */
function summarise(
  nodes: Int32Array,
  logits: Float32Array,
  c: number,
  dataset: NodeDataset,
): Predictions {
  const classes = new Int32Array(nodes.length);
  const probabilities = new Float32Array(logits.length);
  for (let i = 0; i < nodes.length; i++) {
    const row = logits.subarray(i * c, (i + 1) * c);
    let best = 0;
    for (let k = 1; k < c; k++) if (row[k]! > row[best]!) best = k;
    classes[i] = best;
    let sum = 0;
    for (let k = 0; k < c; k++) sum += Math.exp(row[k]! - row[best]!);
    for (let k = 0; k < c; k++) probabilities[i * c + k] = Math.exp(row[k]! - row[best]!) / sum;
  }
  const isTest = new Uint8Array(dataset.graph.numNodes);
  for (const v of dataset.split.test) isTest[v] = 1;
  const rows: number[] = [];
  nodes.forEach((v, i) => {
    if (isTest[v] && dataset.labels[v]! >= 0) rows.push(i);
  });
  const testNodes = Int32Array.from(rows, (i) => nodes[i]!);
  const correct = countCorrect(testNodes, logits, c, (v) => dataset.labels[v]!, (j) => rows[j]!);
  return { nodes, classes, probabilities, numClasses: c, test: { correct, total: rows.length } };
}
