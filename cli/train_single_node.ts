import { checkWritable } from "./check_writable.ts";
import { createDevice } from "../engine/create_device.ts";
import { useWebGpuAdapter } from "../engine/webgpu_adapters.ts";
import { DeviceTable } from "../engine/device_table.ts";
import { ThreadedMinibatchSource } from "../engine/threaded_minibatch_source.ts";
import { evaluateLayerwiseSplits } from "../engine/layerwise_inference.ts";
import { SageModel } from "../engine/sage_model.ts";
import { sageTrainable } from "../engine/sage_trainable.ts";
import { keeperFor } from "./keep_model.ts";
import { loadDataset } from "./load_dataset.ts";
import { requireTaskData } from "./require_task_data.ts";
import { linkSetup } from "./link_setup.ts";
import { splitEdges } from "../partition/split_edges.ts";
import type { NodeDataset } from "../engine/dataset.ts";
import { startFrom } from "./model_file_options.ts";
import { type EpochMetrics, runTraining } from "./run_training.ts";
import type { TrainFlags } from "./train_flags.ts";
import { UsageError } from "./usage_error.ts";
import { CheckpointDir } from "./checkpoint_dir.ts";
import { datasetFields, protocolField, trainingFields } from "./job_fingerprint.ts";
import { RunCheckpoints } from "./run_checkpoints.ts";

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
  if (flags.checkpointDir !== undefined) {
    await CheckpointDir.open(flags.checkpointDir, flags.checkpointKeep); // checked before loading
  }
  if (flags.saveModel !== undefined) checkWritable("--save_model", flags.saveModel);
  const t0 = performance.now();
  const loaded = await loadDataset({
    dataset: flags.dataset,
    datasetRootDir: flags.datasetRootDir,
    split: flags.split,
    scale: flags.scale,
    seed: flags.seed,
    quiet: flags.quiet,
    edgeWeight: flags.edgeWeight,
  });
  const data = flags.task === "link" ? withLinks(loaded, flags) : loaded;
  requireTaskData(data.name, flags.task, {
    numClasses: data.numClasses,
    links: data.links !== undefined,
  });
  const checkpoints = await RunCheckpoints.open(flags, [
    ...protocolField(),
    ["--num_nodes", "1"],
    ["--num_training_procs", "1"],
    ...datasetFields(data),
    ...trainingFields(flags),
  ]);
  if (flags.adapter !== undefined) await useWebGpuAdapter(flags.adapter);
  const device = await createDevice(
    flags.device,
    flags.cpuThreads === undefined ? {} : { threads: flags.cpuThreads },
  );
  const stop: (() => Promise<void>)[] = [];
  try {
    // The trainer's device holds the features only for layer-wise inference:
    // minibatches come from the sampling Worker's own copy.
    const table = flags.evalMode === "layerwise"
      ? DeviceTable.upload(device, data.features, data.featureDim, "features")
      : undefined;
    const model = new SageModel(device, {
      inDim: data.featureDim,
      hidden: flags.hidden,
      outDim: flags.task === "link" ? flags.outChannels : data.numClasses,
      numLayers: flags.numLayers,
      dropout: flags.dropout,
      seed: flags.seed,
    });
    if (flags.initModel !== undefined) await startFrom(device, model, flags.initModel);
    const labelOf = (id: number) => data.labels[id]!;
    // Layer-wise inference reads the whole feature table as one binding.
    const layerwiseInputs = table ? table.chunks[0]!.buffer : undefined;
    const widest = data.graph.numNodes * Math.max(data.featureDim, flags.hidden) * 4;
    if (table && (table.chunks.length > 1 || widest > device.maxBindingBytes)) {
      throw new UsageError(
        `--eval=layerwise needs every layer's input (up to ${widest} bytes) in one binding of ` +
          `${device.description}, which holds ${device.maxBindingBytes}; use --eval=sampled`,
      );
    }
    const links = data.links;
    const seeds = links
      ? `${links.train.source.length} train / ${links.valid.source.length} valid / ${links.test.source.length} test edges (link prediction)`
      : `${data.split.train.length} train / ${data.split.valid.length} valid / ${data.split.test.length} test seeds`;
    if (print) {
      console.log(
        `webgnn: ${data.name}, ${data.graph.numNodes} nodes, ${data.graph.indices.length} edges, ` +
          `${seeds}, on ${device.description}, ` +
          `fan-out [${flags.fanout}]${
            flags.edgeWeight ? " by edge weight" : ""
          }, ${model.numParameters} parameters, ready in ${
            ((performance.now() - t0) / 1000).toFixed(1)
          } s`,
      );
    }
    // Sampling and gathering run on a Worker of their own, overlapping
    // training; one minibatch at start warms its code and memory up.
    const source = await ThreadedMinibatchSource.start({
      device,
      graph: data.graph,
      features: data.features,
      dim: data.featureDim,
      fanouts: flags.fanout,
      ...(flags.edgeWeight && data.edgeWeights ? { edgeWeights: data.edgeWeights } : {}),
      prefetch: flags.prefetch,
      warmUpSeeds: links
        ? links.train.source.subarray(0, flags.batchSize)
        : data.split.train.subarray(0, flags.batchSize),
    });
    stop.push(() => source.close());
    const startEpoch = checkpoints?.resume(device, model) ?? 0;
    const task = links
      ? linkSetup({
        device,
        model,
        source,
        train: links.train,
        firstEdge: 0,
        eval: links,
        numNodes: data.graph.numNodes,
        share: { index: 0, count: 1 },
      }, flags)
      : {
        model: sageTrainable(model, flags.lr),
        source,
        trainSeeds: data.split.train,
        validSeeds: data.split.valid,
        testSeeds: data.split.test,
        labelOf,
      };
    return await runTraining({
      device,
      ...task,
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
      ...keeperFor(flags, {
        device,
        model,
        write: true,
        dataset: data.name,
        resumedAfter: startEpoch,
      }),
      name: "trainer 0",
      print,
      metricsPath: flags.metrics,
      startEpoch,
      ...(checkpoints ? { afterEpoch: (e) => checkpoints.afterEpoch(device, model, e) } : {}),
    }, flags);
  } finally {
    for (const close of stop) await close();
    device.destroy();
  }
}

/**
 * The dataset of `--task=link`: its own link-prediction edges, or the ones
 * `--edge_split` makes from its graph; neither, or both, is a usage error
 * saying how to get them.
 */
function withLinks(data: NodeDataset, flags: TrainFlags): NodeDataset {
  const where = flags.datasetRootDir ?? flags.dataset;
  if (flags.edgeSplit !== undefined) {
    if (data.links) {
      throw new UsageError(
        `--edge_split: ${data.name} (${where}) already has link-prediction edges (two-column ` +
          "split files); drop --edge_split to train on them",
      );
    }
    return splitEdges(data, flags.edgeSplit, flags.seed);
  }
  if (data.links) return data;
  throw new UsageError(
    `--task=link: ${data.name} (${where}) has no link-prediction edges (no two-column ` +
      "split/NAME/ files); give --edge_split=0.85,0.05,0.10 to make them from its graph",
  );
}
