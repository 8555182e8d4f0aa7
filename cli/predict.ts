// `deno task predict`: the class (or with --task=link the embedding) of every node (or of --nodes)
// by a saved model.
import { createDevice } from "../engine/create_device.ts";
import type { NodeDataset } from "../engine/dataset.ts";
import type { Device } from "../engine/device.ts";
import { embed } from "../engine/embed.ts";
import { predict, type Predictions } from "../engine/predict.ts";
import type { PredictOptions } from "../engine/predict_options.ts";
import { SafetensorsFormatError } from "../engine/safetensors.ts";
import { checkModelFits, loadModel, type TrainedModel } from "../engine/trained_model.ts";
import { describeShape } from "../engine/sage_state_dict.ts";
import { checkWritable } from "./check_writable.ts";
import { loadDataset } from "./load_dataset.ts";
import { parsePredictFlags, type PredictFlags } from "./predict_flags.ts";
import { ProgressBar } from "./progress_bar.ts";
import { readNodeList } from "./read_node_list.ts";
import { runCommand } from "./run_command.ts";
import { UsageError } from "./usage_error.ts";
import { writeEmbeddings } from "./write_embeddings.ts";
import { writePredictions } from "./write_predictions.ts";

/**
 * Loads the model and the dataset, refuses a model that does not fit the
 * dataset (feature width, classes: both named), predicts by layer-wise or
 * sampled inference, writes the output and prints one line: nodes, time,
 * throughput and the accuracy on the labelled test nodes among those
 * predicted. Returns the predictions and the seconds inference took. With
 * `--task=link` it writes each node's embedding instead (any output width)
 * and returns no predictions.
 *
 * @example
 * ```ts ignore
 * import { runPredict } from "./predict.ts";
 * import { parsePredictFlags } from "./predict_flags.ts";
 * await runPredict(parsePredictFlags(["--model=sage.safetensors", "--output=p.csv"]));
 * ```
 */
export async function runPredict(
  flags: PredictFlags,
): Promise<{ predictions?: Predictions; seconds: number }> {
  checkWritable("--output", flags.output);
  let model: TrainedModel;
  try {
    model = await loadModel(flags.model);
  } catch (err) {
    if (err instanceof RangeError || err instanceof SafetensorsFormatError) {
      throw new UsageError(`--model=${err.message}`);
    }
    throw err;
  }
  const data = await loadDataset({
    dataset: flags.dataset,
    datasetRootDir: flags.datasetRootDir,
    split: flags.split,
    scale: flags.scale,
    seed: flags.seed,
    quiet: flags.quiet,
    edgeWeight: flags.edgeWeight,
  });
  try {
    if (flags.task === "node" && model.metadata.task === "link") {
      throw new RangeError(
        `--model=${flags.model} was trained for link prediction (its outputs are embeddings, ` +
          "not classes): give --task=link to write them",
      );
    }
    if (flags.task === "node") checkModelFits(model.shape, data, `--model=${flags.model}`);
    else if (model.shape.inDim !== data.featureDim) {
      throw new RangeError(
        `--model=${flags.model} (${describeShape(model.shape)}) takes ${model.shape.inDim} ` +
          `features per node, but ${data.name} has ${data.featureDim}`,
      );
    }
  } catch (err) {
    throw err instanceof RangeError ? new UsageError(err.message) : err;
  }
  if (flags.fanout !== undefined && flags.fanout.length !== model.shape.numLayers) {
    throw new UsageError(
      `--fanout has ${flags.fanout.length} hops but --model=${flags.model} has ` +
        `${model.shape.numLayers} layers (${describeShape(model.shape)})`,
    );
  }
  const nodes = flags.nodes === undefined
    ? undefined
    : await readNodeList(flags.nodes, data.graph.numNodes);
  const device = await createDevice(
    flags.device,
    flags.cpuThreads === undefined ? {} : { threads: flags.cpuThreads },
  );
  const total = flags.inference === "sampled"
    ? nodes?.length ?? data.graph.numNodes
    : model.shape.numLayers;
  const bar = new ProgressBar(
    flags.inference === "sampled" ? "nodes" : "layers",
    total,
    flags.quiet,
  );
  // The same inference for classes and for embeddings.
  const options: PredictOptions & { readonly device: Device } = {
    device,
    onProgress: (done) => bar.update(done),
    inference: flags.inference,
    batchSize: flags.batchSize,
    seed: flags.seed,
    edgeWeight: flags.edgeWeight,
    ...(nodes === undefined ? {} : { nodes }),
    ...(flags.fanout === undefined ? {} : { fanout: flags.fanout }),
  };
  try {
    if (flags.task === "link") return await embedAll(flags, model, data, options, bar);
    const t0 = performance.now();
    const predictions = await predict(model, data, options);
    bar.stop();
    const seconds = (performance.now() - t0) / 1000;
    await writePredictions(flags.output, flags.format, predictions, flags.probabilities, {
      producer: "webgnn",
      model: flags.model,
      dataset: data.name,
      inference: flags.inference,
      num_classes: String(predictions.numClasses),
    });
    const n = predictions.nodes.length, { correct, total } = predictions.test;
    const accuracy = total > 0
      ? `test accuracy ${(correct / total).toFixed(4)} over ${total} test nodes`
      : "no labelled test nodes among them";
    console.log(
      `webgnn predict: ${n} nodes of ${data.name} by ${flags.inference} inference on ` +
        `${device.description} in ${seconds.toFixed(2)} s (${Math.round(n / seconds)} nodes/s); ` +
        `${accuracy}; wrote ${flags.output}`,
    );
    return { predictions, seconds };
  } finally {
    bar.stop();
    device.destroy();
  }
}

/** `--task=link`: every node's (or --nodes') embedding, written and summed up in one line. */
async function embedAll(
  flags: PredictFlags,
  model: TrainedModel,
  data: NodeDataset,
  options: PredictOptions & { readonly device: Device },
  bar: ProgressBar,
): Promise<{ seconds: number }> {
  const t0 = performance.now();
  const embeddings = await embed(model, data, options);
  bar.stop();
  const seconds = (performance.now() - t0) / 1000;
  await writeEmbeddings(flags.output, flags.format, embeddings, {
    producer: "webgnn",
    model: flags.model,
    dataset: data.name,
    inference: flags.inference,
    embedding_dim: String(embeddings.dim),
  });
  const n = embeddings.nodes.length;
  console.log(
    `webgnn predict: embeddings (${embeddings.dim} wide) of ${n} nodes of ${data.name} by ` +
      `${flags.inference} inference on ${options.device.description} in ${seconds.toFixed(2)} s ` +
      `(${Math.round(n / seconds)} nodes/s); wrote ${flags.output}`,
  );
  return { seconds };
}

if (import.meta.main) {
  await runCommand("predict", async () => {
    await runPredict(parsePredictFlags(Deno.args));
  });
}
