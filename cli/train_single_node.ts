import { checkWritable } from "./check_writable.ts";
import { createDevice } from "../engine/create_device.ts";
import { useWebGpuAdapter } from "../engine/webgpu_adapters.ts";
import { DeviceGraph } from "../engine/device_graph.ts";
import { DeviceTable } from "../engine/device_table.ts";
import { LocalFeatureStore } from "../engine/local_feature_store.ts";
import { LocalMinibatchSource } from "../engine/local_minibatch_source.ts";
import { LocalSampler } from "../engine/local_sampler.ts";
import { evaluateLayerwiseSplits } from "../engine/layerwise_inference.ts";
import { SageModel } from "../engine/sage_model.ts";
import { sageTrainable } from "../engine/sage_trainable.ts";
import { keeperFor } from "./keep_model.ts";
import { loadDataset } from "./load_dataset.ts";
import { startFrom } from "./model_file_options.ts";
import { type EpochMetrics, runTraining } from "./run_training.ts";
import type { TrainFlags } from "./train_flags.ts";
import { UsageError } from "./usage_error.ts";

/**
 * Trains GraphSAGE on one node with the whole dataset on the local device:
 * the single-node pipeline that the distributed one extends with remote data.
 *
 * @example
 * ```ts ignore
 * import { trainSingleNode } from "./train_single_node.ts";
 * import { parseTrainFlags } from "./train_flags.ts";
 * await trainSingleNode(parseTrainFlags(["--scale=0.01", "--epochs=1"]));
 * ```
 */
export async function trainSingleNode(
  flags: TrainFlags,
  options: { print?: boolean } = {},
): Promise<EpochMetrics[]> {
  const print = options.print ?? true;
  if (flags.metrics !== undefined) checkWritable("--metrics", flags.metrics);
  if (flags.saveModel !== undefined) checkWritable("--save_model", flags.saveModel);
  const t0 = performance.now();
  const data = await loadDataset({
    dataset: flags.dataset,
    datasetRootDir: flags.datasetRootDir,
    split: flags.split,
    scale: flags.scale,
    seed: flags.seed,
    quiet: flags.quiet,
  });
  if (flags.adapter !== undefined) await useWebGpuAdapter(flags.adapter);
  const device = await createDevice(
    flags.device,
    flags.cpuThreads === undefined ? {} : { threads: flags.cpuThreads },
  );
  try {
    const graph = DeviceGraph.upload(device, data.graph);
    const table = DeviceTable.upload(device, data.features, data.featureDim, "features");
    const model = new SageModel(device, {
      inDim: data.featureDim,
      hidden: flags.hidden,
      outDim: data.numClasses,
      numLayers: flags.numLayers,
      dropout: flags.dropout,
      seed: flags.seed,
    });
    if (flags.initModel !== undefined) await startFrom(device, model, flags.initModel);
    const labelOf = (id: number) => data.labels[id]!;
    // Layer-wise inference reads the whole feature table as one binding.
    const layerwiseInputs = flags.evalMode === "layerwise" ? table.chunks[0]!.buffer : undefined;
    const widest = data.graph.numNodes * Math.max(data.featureDim, flags.hidden) * 4;
    if (layerwiseInputs && (table.chunks.length > 1 || widest > device.maxBindingBytes)) {
      throw new UsageError(
        `--eval=layerwise needs every layer's input (up to ${widest} bytes) in one binding of ` +
          `${device.description}, which holds ${device.maxBindingBytes}; use --eval=sampled`,
      );
    }
    if (print) {
      console.log(
        `webgnn: ${data.name}, ${data.graph.numNodes} nodes, ${data.graph.indices.length} edges, ` +
          `${data.split.train.length} train / ${data.split.valid.length} valid / ${data.split.test.length} test seeds, on ${device.description}, ` +
          `fan-out [${flags.fanout}], ${model.numParameters} parameters, ready in ${
            ((performance.now() - t0) / 1000).toFixed(1)
          } s`,
      );
    }
    return await runTraining({
      device,
      model: sageTrainable(model, flags.lr),
      source: new LocalMinibatchSource(
        device,
        new LocalSampler(device, graph, flags.fanout),
        new LocalFeatureStore(device, table),
      ),
      trainSeeds: data.split.train,
      validSeeds: data.split.valid,
      testSeeds: data.split.test,
      labelOf,
      ...(layerwiseInputs
        ? {
          evaluateSplits: async () => {
            const [valid, test] = await evaluateLayerwiseSplits(
              device,
              model,
              data.graph,
              layerwiseInputs,
              [data.split.valid, data.split.test],
              labelOf,
            );
            return { valid: valid!, test: test! };
          },
        }
        : {}),
      ...keeperFor(flags, { device, model, write: true, dataset: data.name }),
      name: "trainer 0",
      print,
      metricsPath: flags.metrics,
    }, flags);
  } finally {
    device.destroy();
  }
}
