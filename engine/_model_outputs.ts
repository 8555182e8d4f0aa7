// What predict() and embed() share: the last layer's output for a list of
// nodes by a trained model, by layer-wise or sampled inference, on a device
// given or opened for the call.
import { createDevice } from "./create_device.ts";
import type { NodeDataset } from "./dataset.ts";
import type { Device } from "./device.ts";
import { DeviceGraph } from "./device_graph.ts";
import { DeviceTable } from "./device_table.ts";
import { DeviceEdgeWeights } from "./edge_weights.ts";
import { layerwiseLogits } from "./layerwise_inference.ts";
import { LocalFeatureStore } from "./local_feature_store.ts";
import { LocalMinibatchSource } from "./local_minibatch_source.ts";
import { LocalSampler } from "./local_sampler.ts";
import type { SageModel } from "./sage_model.ts";
import { sampledLogits } from "./sampled_logits.ts";
import type { PredictOptions } from "./predict_options.ts";
import { modelOnDevice, type TrainedModel } from "./trained_model.ts";

/**
 * The checked node list of `options` (default: every node of the graph) and
 * the model's last-layer output for each, `nodes.length x outDim`, row-major.
 * Throws a `RangeError` for a listed id outside the graph, or for
 * `edgeWeight` with layer-wise inference or a dataset without weights.
 */
export async function lastLayerOutputs(
  trained: TrainedModel,
  dataset: NodeDataset,
  options: PredictOptions,
): Promise<{ nodes: Int32Array; outputs: Float32Array }> {
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
    const outputs = options.inference === "sampled"
      ? await sampled(device, model, dataset, nodes, trained, options)
      : await layerwise(device, model, dataset, nodes, options);
    return { nodes, outputs };
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
