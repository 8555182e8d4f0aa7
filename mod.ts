/**
 * webgnn: distributed graph neural network training as a WebGPU compute
 * engine in Deno. Partition a large graph, then train GraphSAGE across
 * several nodes, each sampling neighbours and gathering features on its
 * device and fetching remote data from the others over WebSocket RPC.
 *
 * @example
 * ```ts
 * import { createDevice, csrFromEdges, DeviceGraph, sampleNeighbors } from "./mod.ts";
 * const device = await createDevice("cpu");
 * const graph = DeviceGraph.upload(device, csrFromEdges(3, new Int32Array([0, 0]), new Int32Array([1, 2])));
 * const seeds = device.createBuffer(4, "seeds");
 * device.write(seeds, new Int32Array([0]));
 * const hop = sampleNeighbors(device, graph, seeds, 1, 2, 7);
 * console.log(await device.read(hop.neighbors, "i32")); // the two neighbours of node 0
 * device.destroy();
 * ```
 *
 * @module
 */
export type { Block } from "./engine/block.ts";
export { createDevice, type DeviceChoice } from "./engine/create_device.ts";
export { CpuDevice } from "./engine/cpu_device.ts";
export type { NodeDataset } from "./engine/dataset.ts";
export type { LinkEdges, LinkSplit } from "./engine/link_split.ts";
export type {
  ArrayOf,
  BufferContents,
  Device,
  DeviceBuffer,
  DeviceStats,
  ElementArrays,
  ElementType,
} from "./engine/device.ts";
export { DeviceGraph } from "./engine/device_graph.ts";
export { DeviceTable, type TableChunk } from "./engine/device_table.ts";
export { gatherRows } from "./engine/gather_rows.ts";
export { csrFromEdges, type CsrGraph } from "./engine/graph.ts";
export {
  type BindingSpec,
  type BindingType,
  type CpuArgs,
  defineKernel,
  type KernelSpec,
  type UniformType,
  type WasmArgs,
} from "./engine/kernel.ts";
export { type SampledHop, sampleNeighbors } from "./engine/sample_neighbors.ts";
export { sampleNeighborsWeighted } from "./engine/sample_neighbors_weighted.ts";
export {
  DeviceEdgeWeights,
  type EdgeWeightOptions,
  MAX_WEIGHT_RATIO,
} from "./engine/edge_weights.ts";
export { WebGpuDevice } from "./engine/webgpu_device.ts";
export { GpuTimestamps, type KernelTime } from "./engine/gpu_timestamps.ts";
export type { WasmRun } from "./engine/wasm_kernels.ts";
export { Blas, type SgemmArgs } from "./engine/blas.ts";
export { Adam, type AdamOptions } from "./engine/adam.ts";
export { SageModel } from "./engine/sage_model.ts";
export type { ParameterSlot } from "./engine/parameter_slot.ts";
export type { SageModelOptions } from "./engine/sage_model_options.ts";
export {
  decodeSafetensors,
  encodeSafetensors,
  type SafeTensor,
  type SafeTensors,
  SafetensorsFormatError,
} from "./engine/safetensors.ts";
export { loadSafetensors, saveSafetensors } from "./engine/safetensors_file.ts";
export {
  describeShape,
  loadSageStateDict,
  type SageShape,
  sageStateDict,
  sageTensorShapes,
  shapeOfTensors,
} from "./engine/sage_state_dict.ts";
export {
  initSageModel,
  loadSageModel,
  sageModelMetadata,
  saveSageModel,
} from "./engine/sage_model_file.ts";
export { matmul, type MatmulShape } from "./engine/matmul.ts";
export {
  type HopSampler,
  type MiniBatch,
  type NodeMap,
  sampleBlocks,
} from "./engine/sample_blocks.ts";
export type { Sampler } from "./engine/sampler.ts";
export { checkSeeds } from "./engine/check_seeds.ts";
export { LocalSampler } from "./engine/local_sampler.ts";
export type { FeatureStore } from "./engine/feature_store.ts";
export { LocalFeatureStore } from "./engine/local_feature_store.ts";
export type {
  BusyClock,
  MinibatchSource,
  MinibatchTarget,
  PreparedMinibatch,
} from "./engine/minibatch_source.ts";
export { LocalMinibatchSource } from "./engine/local_minibatch_source.ts";
export {
  type EpochPlan,
  type EpochReport,
  type EpochSoFar,
  type Trainable,
  trainEpoch,
} from "./engine/train_epoch.ts";
export { type Accuracy, evaluate, type Predictor } from "./engine/evaluate.ts";
export { sageTrainable } from "./engine/sage_trainable.ts";
export { sampledLogits } from "./engine/sampled_logits.ts";
export type { LossArgs, LossHead } from "./engine/loss_head.ts";
export { nllLossHead } from "./engine/nll_loss_head.ts";
export { linkLossHead } from "./engine/link_loss_head.ts";
export {
  type LinkTarget,
  linkTarget,
  linkTargetLength,
  type NegativeSampling,
} from "./engine/link_target.ts";
export { type ExcludedBlocks, excludePairs } from "./engine/exclude_pairs.ts";
export { LinkMinibatchSource, type LinkSourceOptions } from "./engine/link_minibatch_source.ts";
export { linkTrainable } from "./engine/link_trainable.ts";
export { evaluateLinks } from "./engine/evaluate_links.ts";
export { randomLinkEdges } from "./engine/random_link_edges.ts";
export {
  type LinkMetrics,
  linkMetrics,
  type LinkMetricsOptions,
  type LinkScores,
} from "./engine/link_metrics.ts";
export { rocAuc } from "./engine/roc_auc.ts";
export { hitsAtK } from "./engine/hits_at_k.ts";
export { meanReciprocalRank } from "./engine/mean_reciprocal_rank.ts";
export { layerwiseLogits } from "./engine/layerwise_inference.ts";
export { type EdgeLists, nodeDataset, type NodeDatasetArrays } from "./engine/node_dataset.ts";
export { type EpochResult, train, type TrainOptions, type TrainResult } from "./engine/train.ts";
export { predict, type Predictions } from "./engine/predict.ts";
export type { PredictOptions } from "./engine/predict_options.ts";
export { embed, type Embeddings } from "./engine/embed.ts";
export {
  checkModelFits,
  loadModel,
  modelOnDevice,
  saveModel,
  type TrainedModel,
  trainedModelOf,
} from "./engine/trained_model.ts";
export * from "./partition/mod.ts";
export * from "./dist/mod.ts";
